//! Interleaved rounds and medians: every case runs once per round, in an order that rotates, so
//! that a slow moment of a shared machine lands on every case alike; the figure of a case is the
//! median of its rounds, and ratios are taken between medians of the same run.

use std::time::{Duration, Instant};

/// The calling thread's CPU time (decoding figures: a preempted thread is not charged).
pub fn thread_cpu() -> Duration {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid, writable timespec; the clock id is a constant Linux has.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "CLOCK_THREAD_CPUTIME_ID is available on Linux");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// The calling thread's user and system CPU time so far (`getrusage`; the kernel splits its
/// exact total by sampled ticks, so read it over many calls).
pub fn thread_user_sys() -> (Duration, Duration) {
    // SAFETY: zeroed is a valid `rusage`; `getrusage` only writes to it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid, writable `rusage`; RUSAGE_THREAD is a constant Linux has.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) };
    assert_eq!(rc, 0, "RUSAGE_THREAD is available on Linux");
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (time(usage.ru_utime), time(usage.ru_stime))
}

/// Which clock a comparison reads.
#[derive(Clone, Copy)]
pub enum Clock {
    Cpu,
    Wall,
}

impl Clock {
    pub fn time(self, work: impl FnOnce()) -> Duration {
        match self {
            Clock::Cpu => {
                let start = thread_cpu();
                work();
                thread_cpu() - start
            }
            Clock::Wall => {
                let start = Instant::now();
                work();
                start.elapsed()
            }
        }
    }
}

/// One contender: `run(n)` does the work `n` times and returns the time it took.
pub struct Case<'a> {
    pub name: &'static str,
    pub run: Box<dyn FnMut(u32) -> Duration + 'a>,
}

impl<'a> Case<'a> {
    pub fn new(name: &'static str, run: impl FnMut(u32) -> Duration + 'a) -> Self {
        Self { name, run: Box::new(run) }
    }
}

/// The median time per iteration of each case, in the order given.
pub fn compare(cases: &mut [Case<'_>], rounds: usize, iterations: u32) -> Vec<Duration> {
    let mut samples = vec![Vec::with_capacity(rounds); cases.len()];
    // One unmeasured round warms caches, connection pools and allocators alike.
    for case in cases.iter_mut() {
        (case.run)(iterations.div_ceil(4).max(1));
    }
    for round in 0..rounds {
        for k in 0..cases.len() {
            let i = (k + round) % cases.len();
            let elapsed = (cases[i].run)(iterations);
            samples[i].push(elapsed / iterations);
        }
    }
    samples.into_iter().map(median).collect()
}

pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// A figure in a unit that fits it.
pub fn show(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns >= 10_000_000 {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    } else if ns >= 10_000 {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    } else {
        format!("{ns} ns")
    }
}

/// The peak resident set of this process so far, from `/proc/self/status` (`VmHWM`).
pub fn peak_rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Pins the calling thread to one CPU (Linux), so that the client under test and the loopback
/// server each keep a core: a round trip's wake-ups then do not depend on where the scheduler
/// put the two threads, which otherwise moves latency figures by a factor of two between runs.
pub fn pin_to_cpu(cpu: usize) {
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    // SAFETY: the set is zeroed, then one bit is set with the libc macro; 0 names this thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu % cpus, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}
