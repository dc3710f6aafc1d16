//! How long a password check takes (Argon2id, 19 MiB, 2 passes), alone and with several at
//! once: the figure behind `amble serve`'s limit of one check per CPU at a time (docs/web.md).
//! `cargo bench -p amble-store --bench password [-- ROUNDS]` (the dev profile is close: Argon2
//! is optimised there too: `cargo bench --profile dev ...`).

use std::time::{Duration, Instant};

use amble_store::accounts::{hash_password, verify_password};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20);
    let Ok(hash) = hash_password("a long enough secret") else {
        eprintln!("hashing failed");
        std::process::exit(1);
    };
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    println!("password checks, {rounds} rounds, {cpus} CPUs");
    for threads in [1, cpus, cpus * 4] {
        let started = Instant::now();
        let times: Vec<Duration> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    let hash = &hash;
                    s.spawn(move || {
                        (0..rounds)
                            .map(|_| {
                                let t = Instant::now();
                                let _ = verify_password(hash, "a long enough secret");
                                t.elapsed()
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        let wall = started.elapsed();
        let n = times.len() as f64;
        println!(
            "{threads:>3} at once: median {:>6.1} ms per check, {:>6.1} checks/s",
            median(times).as_secs_f64() * 1000.0,
            n / wall.as_secs_f64()
        );
    }
}
