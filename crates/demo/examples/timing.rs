//! Scratch timing.
fn main() {
    let started = std::time::Instant::now();
    let data = demo::generate(&demo::DemoConfig::default());
    println!("generate {:?} {}", started.elapsed(), data.events.len());
}
