//! RFM scores (quintiles 1–5) and the usual named segments on R and FM.

use serde::Serialize;

use crate::CustomerSummary;

/// A named RFM segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    Champions,
    Loyal,
    PotentialLoyalists,
    New,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CantLoseThem,
    Hibernating,
    Lost,
}

impl Segment {
    /// Every segment, best first.
    pub const ALL: [Segment; 11] = [
        Segment::Champions,
        Segment::Loyal,
        Segment::PotentialLoyalists,
        Segment::New,
        Segment::Promising,
        Segment::NeedAttention,
        Segment::AboutToSleep,
        Segment::AtRisk,
        Segment::CantLoseThem,
        Segment::Hibernating,
        Segment::Lost,
    ];

    pub fn name_ru(self) -> &'static str {
        match self {
            Segment::Champions => "Чемпионы",
            Segment::Loyal => "Лояльные",
            Segment::PotentialLoyalists => "Потенциально лояльные",
            Segment::New => "Новые",
            Segment::Promising => "Перспективные",
            Segment::NeedAttention => "Требуют внимания",
            Segment::AboutToSleep => "Засыпающие",
            Segment::AtRisk => "В зоне риска",
            Segment::CantLoseThem => "Нельзя потерять",
            Segment::Hibernating => "Спящие",
            Segment::Lost => "Потерянные",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Segment::Champions => "Champions",
            Segment::Loyal => "Loyal",
            Segment::PotentialLoyalists => "Potential loyalists",
            Segment::New => "New",
            Segment::Promising => "Promising",
            Segment::NeedAttention => "Need attention",
            Segment::AboutToSleep => "About to sleep",
            Segment::AtRisk => "At risk",
            Segment::CantLoseThem => "Can't lose them",
            Segment::Hibernating => "Hibernating",
            Segment::Lost => "Lost",
        }
    }

    /// The segment of an R score and an FM score (each 1–5).
    ///
    /// The widely used R × F segment map, read on FM, with its bottom-left
    /// corner split into Hibernating (R 2) and Lost (R 1):
    ///
    /// | R \ FM | 1 | 2 | 3 | 4 | 5 |
    /// |---|---|---|---|---|---|
    /// | 5 | New | Potential | Potential | Champions | Champions |
    /// | 4 | Promising | Potential | Potential | Loyal | Loyal |
    /// | 3 | About to sleep | About to sleep | Need attention | Loyal | Loyal |
    /// | 2 | Hibernating | Hibernating | At risk | At risk | Can't lose |
    /// | 1 | Lost | Lost | At risk | At risk | Can't lose |
    pub fn of(r: u8, fm: u8) -> Segment {
        match (r.clamp(1, 5), fm.clamp(1, 5)) {
            (5, 4..=5) => Segment::Champions,
            (3..=4, 4..=5) => Segment::Loyal,
            (4..=5, 2..=3) => Segment::PotentialLoyalists,
            (5, _) => Segment::New,
            (4, _) => Segment::Promising,
            (3, 3) => Segment::NeedAttention,
            (3, _) => Segment::AboutToSleep,
            (_, 5) => Segment::CantLoseThem,
            (_, 3 | 4) => Segment::AtRisk,
            (2, _) => Segment::Hibernating,
            _ => Segment::Lost,
        }
    }
}

/// A customer's RFM scores and segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RfmScore {
    pub customer_id: String,
    /// Days since the last purchase.
    pub recency_days: i64,
    /// Transactions.
    pub frequency: u32,
    /// Total spend.
    pub monetary: f64,
    /// Recency score: 5 is the most recent fifth.
    pub r: u8,
    pub f: u8,
    pub m: u8,
    /// (F + M) / 2, rounded half up.
    pub fm: u8,
    pub segment: Segment,
    pub segment_ru: &'static str,
    pub segment_en: &'static str,
}

/// RFM scores and segments, in the customers' order.
///
/// Each score is the quintile of the customer's rank (1 lowest, 5 highest;
/// for recency fewer days is higher). Tied values share their average rank,
/// so equal values always get equal scores. Frequency is the number of
/// transactions and monetary the total spend.
pub fn rfm(customers: &[CustomerSummary]) -> Vec<RfmScore> {
    let r = quintiles(
        &customers
            .iter()
            .map(|c| -(c.days_since_last as f64))
            .collect::<Vec<_>>(),
    );
    let f = quintiles(
        &customers
            .iter()
            .map(|c| f64::from(c.transactions))
            .collect::<Vec<_>>(),
    );
    let m = quintiles(&customers.iter().map(|c| c.total_spend).collect::<Vec<_>>());
    customers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let fm = (f[i] + m[i]).div_ceil(2);
            let segment = Segment::of(r[i], fm);
            RfmScore {
                customer_id: c.customer_id.clone(),
                recency_days: c.days_since_last,
                frequency: c.transactions,
                monetary: c.total_spend,
                r: r[i],
                f: f[i],
                m: m[i],
                fm,
                segment,
                segment_ru: segment.name_ru(),
                segment_en: segment.name_en(),
            }
        })
        .collect()
}

/// Score 1–5 per value: ⌊5 × (average rank − ½) / n⌋ + 1, so a value's
/// score is the fifth its mid-rank falls in (all-equal values score 3).
fn quintiles(values: &[f64]) -> Vec<u8> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut scores = vec![0_u8; n];
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && values[order[end]] == values[order[start]] {
            end += 1;
        }
        // Ranks start..end (0-based) share their mean, 1-based.
        let rank = (start + end + 1) as f64 / 2.0;
        let score = (5.0 * (rank - 0.5) / n as f64).floor().clamp(0.0, 4.0) as u8 + 1;
        for &i in &order[start..end] {
            scores[i] = score;
        }
        start = end;
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quintiles_split_evenly_and_keep_ties_together() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quintiles(&values), vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert_eq!(quintiles(&[3.0, 1.0, 3.0, 2.0, 3.0]), vec![4, 1, 4, 2, 4]);
        assert_eq!(quintiles(&[7.0; 4]), vec![3; 4]);
        assert!(quintiles(&[]).is_empty());
    }

    #[test]
    fn the_map_covers_every_cell() {
        assert_eq!(Segment::of(5, 5), Segment::Champions);
        assert_eq!(Segment::of(5, 1), Segment::New);
        assert_eq!(Segment::of(4, 1), Segment::Promising);
        assert_eq!(Segment::of(3, 3), Segment::NeedAttention);
        assert_eq!(Segment::of(3, 2), Segment::AboutToSleep);
        assert_eq!(Segment::of(1, 5), Segment::CantLoseThem);
        assert_eq!(Segment::of(2, 4), Segment::AtRisk);
        assert_eq!(Segment::of(2, 1), Segment::Hibernating);
        assert_eq!(Segment::of(1, 2), Segment::Lost);
        let mut seen: Vec<Segment> = (1..=5)
            .flat_map(|r| (1..=5).map(move |fm| Segment::of(r, fm)))
            .collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), Segment::ALL.len(), "every segment is reachable");
    }
}
