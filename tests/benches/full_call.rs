//! Issue 13: complete calls. Build, sign, send over HTTP/1.1 keep-alive,
//! receive and decode `describe_instances` against a minimal local server
//! that answers a fixed one-instance DescribeInstances reply.
//!
//! ```sh
//! cargo bench -p tencentcloud-tests --bench full_call
//! tests/benches/python/full_call.sh   # the same, then the Python SDK side by side
//! ```
//!
//! The server runs in a child process (this binary, started again with
//! `FULL_CALL_SERVER=1`), so the process CPU time measured here is the
//! client's alone: the tokio runtime, hyper, signing and decoding. Three
//! figures: client CPU time per call and wall time per call at concurrency
//! 1, and wall time per call at concurrency 32. With `FULL_CALL_PYTHON` set
//! to a Python that has tencentcloud-sdk-python, the official SDK runs
//! against the same server afterwards and both are printed with the ratio.

use std::convert::Infallible;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput};
use tencentcloud_cvm::runtime::{LimitConfig, RetryConfig};
use tencentcloud_cvm::v20170312::{Client, DescribeInstancesRequest};
use tencentcloud_cvm::{ClientConfig, Credentials};

const SERVER_ENV: &str = "FULL_CALL_SERVER";
const PYTHON_ENV: &str = "FULL_CALL_PYTHON";
const CONCURRENCY: usize = 32;

/// The reply: the first instance of the decode benchmark's fixture.
fn reply() -> Vec<u8> {
    let full: serde_json::Value = serde_json::from_slice(include_bytes!(
        "../fixtures/bench/describe_instances_100.json"
    ))
    .expect("the fixture is JSON");
    let instance = full["Response"]["InstanceSet"][0].clone();
    let reply = serde_json::json!({"Response": {
        "TotalCount": 1,
        "InstanceSet": [instance],
        "RequestId": "6ef60bec-0242-43af-bb20-270359fb54a7"
    }});
    serde_json::to_vec(&reply).expect("serializes")
}

/// Server mode: answer every request with the reply until stdin closes.
fn serve() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let port = listener.local_addr().expect("has an address").port();
        println!("{port}");
        std::io::stdout().flush().expect("flushes");
        let body = bytes::Bytes::from(reply());
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let body = body.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let body = body.clone();
                        async move {
                            // Read the request body as a server must.
                            let _ = http_body_util::BodyExt::collect(request.into_body()).await;
                            let mut response =
                                hyper::Response::new(http_body_util::Full::new(body));
                            response.headers_mut().insert(
                                "content-type",
                                hyper::header::HeaderValue::from_static("application/json"),
                            );
                            Ok::<_, Infallible>(response)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        // The parent closes our stdin when it is done.
        let _ = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
        })
        .await;
    });
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start() -> Server {
        let exe = std::env::current_exe().expect("knows its own path");
        let mut child = Command::new(exe)
            .env(SERVER_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("starts the server");
        let stdout = child.stdout.take().expect("piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("reads the port");
        let port = line.trim().parse().expect("a port");
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// The process's CPU time (all threads): what the client costs.
struct ProcessCpuTime;

fn process_cpu_time() -> Duration {
    let mut spec = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `spec` is a valid, writable timespec.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut spec) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    Duration::new(spec.tv_sec as u64, spec.tv_nsec as u32)
}

impl Measurement for ProcessCpuTime {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        process_cpu_time()
    }
    fn end(&self, start: Duration) -> Duration {
        process_cpu_time() - start
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        criterion::measurement::WallTime.formatter()
    }
}

fn client(port: u16) -> Client {
    let config = ClientConfig::new(Credentials::new(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
    ))
    .region("ap-guangzhou")
    .endpoint(format!("http://127.0.0.1:{port}"))
    .no_proxy()
    .retry(RetryConfig::disabled())
    .rate_limits(LimitConfig::disabled());
    Client::new(config).expect("valid configuration")
}

async fn one_call(client: &Client) {
    let reply = client
        .describe_instances(DescribeInstancesRequest::new().with_limit(1))
        .await
        .expect("the call succeeds");
    assert_eq!(reply.instance_set.len(), 1);
}

/// tokio's default (multi-threaded) runtime, as `#[tokio::main]` makes it.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// A single-threaded runtime (`#[tokio::main(flavor = "current_thread")]`):
/// no wake-ups across threads.
fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// User and system CPU time of the process so far (all threads).
fn user_and_system_time() -> (Duration, Duration) {
    // SAFETY: an all-zero rusage is a valid value to write into.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable rusage.
    let status = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    assert_eq!(status, 0, "getrusage");
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (time(usage.ru_utime), time(usage.ru_stime))
}

fn wall(c: &mut Criterion, server: &Server) {
    let rt = runtime();
    let client = client(server.port);
    rt.block_on(one_call(&client));
    let mut group = c.benchmark_group("full_call_wall");
    group.throughput(Throughput::Elements(1));
    group.bench_function("describe_instances_c1", |b| {
        b.to_async(&rt).iter(|| one_call(&client))
    });
    group.throughput(Throughput::Elements(CONCURRENCY as u64));
    group.bench_function("describe_instances_c32", |b| {
        b.to_async(&rt).iter(|| async {
            let calls = (0..CONCURRENCY).map(|_| one_call(&client));
            futures_util::future::join_all(calls).await;
        })
    });
    group.finish();
}

fn cpu(c: &mut Criterion<ProcessCpuTime>, server: &Server) {
    let mut group = c.benchmark_group("full_call_cpu");
    group.throughput(Throughput::Elements(1));
    for (name, rt) in [
        ("describe_instances_c1", runtime()),
        (
            "describe_instances_c1_current_thread",
            current_thread_runtime(),
        ),
    ] {
        let client = client(server.port);
        rt.block_on(one_call(&client));
        group.bench_function(name, |b| b.to_async(&rt).iter(|| one_call(&client)));
    }
    group.finish();
}

/// What a plain loop measured: client CPU per call (user, system) at
/// concurrency 1, client CPU per call at concurrency 32, and calls/s at
/// concurrency 1 and 32.
struct Figures {
    user: Duration,
    system: Duration,
    cpu_c32: Duration,
    c1: f64,
    c32: f64,
}

impl Figures {
    fn cpu_us(&self) -> f64 {
        (self.user + self.system).as_secs_f64() * 1e6
    }

    fn cpu_us_c32(&self) -> f64 {
        self.cpu_c32.as_secs_f64() * 1e6
    }

    fn print(&self, name: &str) {
        println!(
            "  {name:<22}: client CPU {:>6.1} µs/call ({:.1} user + {:.1} system), {:>6.1} µs/call at {CONCURRENCY}; {:>6.0} calls/s at concurrency 1, {:>6.0} calls/s at {CONCURRENCY}",
            self.cpu_us(),
            self.user.as_secs_f64() * 1e6,
            self.system.as_secs_f64() * 1e6,
            self.cpu_us_c32(),
            self.c1,
            self.c32
        );
    }
}

/// Client CPU per call and calls/s on `rt`, measured by a plain loop: the
/// figures the side-by-side table prints (criterion's are in its report).
/// `in_task`: the loops run in a spawned task (on a worker thread, as a
/// server's handlers do), not in `block_on` on the main thread.
fn loop_figures(rt: &tokio::runtime::Runtime, port: u16, calls: usize, in_task: bool) -> Figures {
    let client = client(port);
    rt.block_on(one_call(&client));
    let (user, system) = user_and_system_time();
    let started = Instant::now();
    let c1 = {
        let client = client.clone();
        async move {
            for _ in 0..calls {
                one_call(&client).await;
            }
        }
    };
    if in_task {
        rt.block_on(rt.spawn(c1)).expect("the loop runs");
    } else {
        rt.block_on(c1);
    }
    let wall_c1 = started.elapsed();
    let (user_after, system_after) = user_and_system_time();
    let per_call = |time: Duration| time / calls as u32;
    let started = Instant::now();
    let c32 = async move {
        for _ in 0..calls / CONCURRENCY {
            let batch = (0..CONCURRENCY).map(|_| one_call(&client));
            futures_util::future::join_all(batch).await;
        }
    };
    if in_task {
        rt.block_on(rt.spawn(c32)).expect("the batches run");
    } else {
        rt.block_on(c32);
    }
    let wall_c32 = started.elapsed();
    let (user_c32, system_c32) = user_and_system_time();
    let calls_c32 = calls / CONCURRENCY * CONCURRENCY;
    let cpu_c32 = (user_c32 + system_c32) - (user_after + system_after);
    let per_second = |calls: usize, wall: Duration| calls as f64 / wall.as_secs_f64();
    Figures {
        user: per_call(user_after - user),
        system: per_call(system_after - system),
        cpu_c32: cpu_c32 / calls_c32 as u32,
        c1: per_second(calls, wall_c1),
        c32: per_second(calls_c32, wall_c32),
    }
}

/// CPU per exchange of the HTTP layer alone, without the SDK: the same
/// small POST to the same server through reqwest (the SDK's HTTP client,
/// set up as the SDK sets it up) and through hyper's HTTP/1 connection API
/// driven inside the calling future, with no connection task to wake.
/// The floor under a full call, and what the HTTP client costs of it.
fn transport_floor(rt: &tokio::runtime::Runtime, port: u16, calls: usize) -> [Duration; 2] {
    use http_body_util::{BodyExt, Full};
    const BODY: &[u8] = br#"{"Limit":1}"#;
    let cpu = || {
        let (user, system) = user_and_system_time();
        user + system
    };
    rt.block_on(async {
        let http = reqwest::Client::builder()
            .tcp_nodelay(true)
            .no_proxy()
            .build()
            .expect("an HTTP client");
        let url = format!("http://127.0.0.1:{port}/");
        let exchange = || async {
            let reply = http.post(&url).body(BODY).send().await.expect("sent");
            reply.bytes().await.expect("read")
        };
        exchange().await;
        let before = cpu();
        for _ in 0..calls {
            exchange().await;
        }
        let with_reqwest = (cpu() - before) / calls as u32;

        let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connects");
        stream.set_nodelay(true).expect("sets TCP_NODELAY");
        let io = hyper_util::rt::TokioIo::new(stream);
        let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
            .await
            .expect("an HTTP/1 connection");
        let mut connection = std::pin::pin!(connection);
        let mut exchange = async || {
            let call = async {
                sender.ready().await.expect("the connection is ready");
                let request = hyper::Request::post("/")
                    .header("host", format!("127.0.0.1:{port}"))
                    .header("content-type", "application/json")
                    .body(Full::new(bytes::Bytes::from_static(BODY)))
                    .expect("a request");
                let reply = sender.send_request(request).await.expect("sent");
                reply.into_body().collect().await.expect("read");
            };
            tokio::select! {
                biased;
                () = call => {}
                ended = connection.as_mut() => panic!("the connection ended: {ended:?}"),
            }
        };
        exchange().await;
        let before = cpu();
        for _ in 0..calls {
            exchange().await;
        }
        [with_reqwest, (cpu() - before) / calls as u32]
    })
}

fn side_by_side(server: &Server) {
    const CALLS: usize = 6400;
    let multi = loop_figures(&runtime(), server.port, CALLS, false);
    let in_task = loop_figures(&runtime(), server.port, CALLS, true);
    let single = loop_figures(&current_thread_runtime(), server.port, CALLS, false);
    println!("full call, {CALLS} calls each, one-instance DescribeInstances reply:");
    multi.print("rust, multi-thread");
    in_task.print("rust, multi-thread task");
    single.print("rust, current_thread");
    for (name, rt) in [
        ("multi-thread", runtime()),
        ("current_thread", current_thread_runtime()),
    ] {
        let [reqwest, hyper] = transport_floor(&rt, server.port, CALLS);
        println!(
            "  HTTP exchange alone, {name:<14}: client CPU {:>6.1} µs with reqwest, {:>6.1} µs with hyper's connection driven in the call",
            reqwest.as_secs_f64() * 1e6,
            hyper.as_secs_f64() * 1e6
        );
    }
    let Ok(python) = std::env::var(PYTHON_ENV) else {
        println!("  (set {PYTHON_ENV} to a Python with tencentcloud-sdk-python to compare)");
        return;
    };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/python/full_call.py");
    let output = Command::new(python)
        .args([
            script,
            "--port",
            &server.port.to_string(),
            "--calls",
            "1600",
        ])
        .output()
        .expect("runs the Python side");
    assert!(
        output.status.success(),
        "the Python side failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let figures: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the Python side prints JSON");
    let number = |key: &str| figures[key].as_f64().expect("a number");
    let python_cpu = number("cpu_us_per_call");
    let python_cpu_c32 = number("cpu_us_per_call_c32");
    println!(
        "  {:<22}: client CPU {:>6.1} µs/call, {:>6.1} µs/call at {CONCURRENCY}; {:>6.0} calls/s at concurrency 1, {:>6.0} calls/s at {CONCURRENCY} ({})",
        "python",
        python_cpu,
        python_cpu_c32,
        number("calls_per_s_c1"),
        number("calls_per_s_c32"),
        figures["sdk"].as_str().unwrap_or("?")
    );
    println!(
        "  ratio: Python uses {:.1}x the client CPU per call of the multi-threaded runtime ({:.1}x in a task), {:.1}x that of current_thread",
        python_cpu / multi.cpu_us(),
        python_cpu / in_task.cpu_us(),
        python_cpu / single.cpu_us()
    );
    println!(
        "  ratio at concurrency {CONCURRENCY}: {:.1}x the multi-threaded runtime's CPU per call, {:.1}x current_thread's",
        python_cpu_c32 / multi.cpu_us_c32(),
        python_cpu_c32 / single.cpu_us_c32()
    );
}

fn benches() {
    let server = Server::start();
    let mut criterion = Criterion::default().configure_from_args();
    wall(&mut criterion, &server);
    let mut criterion = Criterion::default()
        .with_measurement(ProcessCpuTime)
        .configure_from_args();
    cpu(&mut criterion, &server);
    side_by_side(&server);
}

fn main() {
    if std::env::var_os(SERVER_ENV).is_some() {
        serve();
        return;
    }
    // `cargo test --benches` runs this with `--bench`-less args: keep it short.
    let quick = !std::env::args().any(|a| a == "--bench");
    if quick {
        let server = Server::start();
        println!("full_call smoke run:");
        loop_figures(&runtime(), server.port, 64, false).print("rust, multi-thread");
        loop_figures(&runtime(), server.port, 64, true).print("rust, multi-thread task");
        loop_figures(&current_thread_runtime(), server.port, 64, false)
            .print("rust, current_thread");
        return;
    }
    // `FULL_CALL_LOOP_ONLY=1`: only the plain loops (for perf).
    if std::env::var_os("FULL_CALL_LOOP_ONLY").is_some() {
        side_by_side(&Server::start());
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
