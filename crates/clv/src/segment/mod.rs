//! Customer segments: RFM scores with named segments, and k-means clusters.

mod kmeans;
mod rfm;

pub use kmeans::{Candidate, Cluster, ClusterOptions, Clustering, Membership, clusters};
pub use rfm::{RfmScore, Segment, rfm};
