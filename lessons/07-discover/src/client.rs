//! A client that finds the Greeter through Consul and spreads its calls over every
//! instance that passes its checks.
//!
//! Client-side discovery: no load balancer stands between client and servers. The client
//! asks the registry who is up, picks one itself, and calls it directly. So the client
//! carries what a load balancer would do: a list of instances (fresh, with `--watch`), a
//! picker (round robin), and a second try elsewhere when the instance picked is gone.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use consul_ext::ServiceEntry;
use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use shared::discovery::Healthy;
use tokio::sync::watch;
use tonic::transport::{Channel, Endpoint};
use tonic::{Request, Status};

use crate::INSTANCE_HEADER;
use crate::exercises::addresses::addresses;
use crate::exercises::retry::call_with_retry;
use crate::exercises::round_robin::RoundRobin;

/// The longest one call may take, connecting included.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(2);

/// One answer, and who gave it.
#[derive(Debug, Clone)]
pub struct Answer {
    pub message: String,
    /// The instance's ID, from the reply's `x-instance` metadata.
    pub instance: String,
    /// The address called.
    pub addr: String,
}

/// Where the client's list of instances comes from.
#[derive(Debug)]
pub enum Instances {
    /// Asked once, at the start: instances that come or go later are not seen.
    Fixed(Vec<String>),
    /// Kept fresh by a watcher (`shared::discovery`).
    Watched(watch::Receiver<Healthy>),
}

// ANCHOR: pool
/// The Greeter instances of one service, and what it takes to call them in turn.
#[derive(Debug)]
pub struct GreeterPool {
    service: String,
    instances: Instances,
    picker: RoundRobin,
    /// One connection per instance, made on first use and kept for the next calls.
    clients: Mutex<HashMap<String, GreeterClient<Channel>>>,
}

impl GreeterPool {
    pub fn new(service: &str, instances: Instances) -> GreeterPool {
        GreeterPool {
            service: service.to_string(),
            instances,
            picker: RoundRobin::new(),
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// The addresses of the instances to call now, sorted.
    pub fn addresses(&self) -> Vec<String> {
        match &self.instances {
            Instances::Fixed(list) => list.clone(),
            Instances::Watched(healthy) => addresses(healthy.borrow().as_deref().unwrap_or(&[])),
        }
    }

    /// Calls SayHello on the next instance in turn, and on the one after it if that one
    /// is unavailable.
    pub async fn say_hello(&self, name: &str) -> Result<Answer, Status> {
        let instances = self.addresses();
        self.forget_all_but(&instances);
        let start = self
            .picker
            .pick(&self.service, instances.len())
            .unwrap_or(0);
        call_with_retry(&instances, start, |addr| self.call(addr, name)).await
    }
}
// ANCHOR_END: pool

impl GreeterPool {
    /// One call to one instance.
    async fn call(&self, addr: String, name: &str) -> Result<Answer, Status> {
        let mut client = self.client_for(&addr)?;
        say_hello(&mut client, name, addr).await
    }

    /// The connection to `addr`, made lazily: connecting happens on the first call, and a
    /// refused connection fails that call with `Unavailable`.
    fn client_for(&self, addr: &str) -> Result<GreeterClient<Channel>, Status> {
        let mut clients = self.clients.lock().expect("the clients lock");
        if let Some(client) = clients.get(addr) {
            return Ok(client.clone());
        }
        let endpoint = Endpoint::from_shared(format!("http://{addr}"))
            .map_err(|error| Status::invalid_argument(format!("{addr}: {error}")))?
            .connect_timeout(CALL_TIMEOUT);
        let client = GreeterClient::new(endpoint.connect_lazy());
        clients.insert(addr.to_string(), client.clone());
        Ok(client)
    }

    /// Closes the connections to instances that are no longer listed.
    fn forget_all_but(&self, instances: &[String]) {
        let mut clients = self.clients.lock().expect("the clients lock");
        clients.retain(|addr, _| instances.contains(addr));
    }
}

/// The addresses of `entries` as the pool calls them (for a pool of [`Instances::Fixed`]).
pub fn fixed(entries: &[ServiceEntry]) -> Instances {
    Instances::Fixed(addresses(entries))
}

/// What `l07-discover client` does.
#[derive(Debug, Clone)]
pub struct Options {
    pub service: String,
    /// The name to greet.
    pub name: String,
    pub calls: usize,
    /// The pause between two calls.
    pub every: Duration,
    /// Keep the list of instances fresh with blocking queries.
    pub watch: bool,
    /// Call through tonic's balanced channel, fed by the watcher, instead of the pool.
    pub balanced: bool,
    /// How long to wait for a first passing instance.
    pub patience: Duration,
}

// ANCHOR: run
/// Finds the passing instances of the service on the agent at `agent` (a base URL), then
/// makes the calls, printing who answered each. Fails if any call failed.
pub async fn run(agent: &str, options: &Options) -> anyhow::Result<()> {
    let found =
        crate::exercises::wait_for::wait_for_passing(agent, &options.service, 1, options.patience)
            .await
            .map_err(|error| anyhow::anyhow!("no instance to call: {error}"))?;
    println!("passing: {}", addresses(&found).join(", "));

    let watcher = (options.watch || options.balanced).then(|| {
        shared::discovery::watch_healthy(
            agent.to_string(),
            options.service.clone(),
            shared::discovery::WatchOptions::default(),
            std::future::pending(),
        )
    });
    if let Some(watcher) = &watcher {
        // The watcher's first answer comes a moment after it starts: wait for it, or the
        // first call would find nobody to call.
        let mut healthy = watcher.healthy.clone();
        tokio::time::timeout(options.patience, healthy.wait_for(Option::is_some))
            .await
            .map_err(|_| {
                anyhow::anyhow!("no answer from the watcher within {:?}", options.patience)
            })?
            .map_err(|_| anyhow::anyhow!("the watcher stopped"))?;
    }
    let mut caller = match &watcher {
        Some(watcher) if options.balanced => Caller::balanced(watcher.healthy.clone()),
        Some(watcher) => Caller::Pool(GreeterPool::new(
            &options.service,
            Instances::Watched(watcher.healthy.clone()),
        )),
        None => Caller::Pool(GreeterPool::new(&options.service, fixed(&found))),
    };

    let mut failed = 0;
    for call in 1..=options.calls {
        // Only when asked: even a zero-length sleep waits for the timer's next 1 ms tick.
        if call > 1 && !options.every.is_zero() {
            tokio::time::sleep(options.every).await;
        }
        match caller.say_hello(&options.name).await {
            Ok(answer) => println!("{call:>3}  {:<14} from {}", answer.message, answer.instance),
            Err(status) => {
                failed += 1;
                println!(
                    "{call:>3}  failed: {:?}: {}",
                    status.code(),
                    status.message()
                );
            }
        }
    }
    if let Some(watcher) = watcher {
        watcher.task.abort();
    }
    anyhow::ensure!(failed == 0, "{failed} of {} calls failed", options.calls);
    Ok(())
}
// ANCHOR_END: run

/// The two ways `run` calls: the pool (round robin and retry), or tonic's balanced channel.
enum Caller {
    Pool(GreeterPool),
    Balanced(GreeterClient<Channel>),
}

impl Caller {
    /// A balanced channel whose endpoints follow the watcher.
    fn balanced(healthy: watch::Receiver<Healthy>) -> Caller {
        let (channel, changes) = Channel::balance_channel(16);
        tokio::spawn(crate::exercises::balance::feed_balance(healthy, changes));
        Caller::Balanced(GreeterClient::new(channel))
    }

    async fn say_hello(&mut self, name: &str) -> Result<Answer, Status> {
        let client = match self {
            Caller::Pool(pool) => return pool.say_hello(name).await,
            Caller::Balanced(client) => client,
        };
        let mut answer = say_hello(client, name, String::new()).await;
        // The channel may have picked an instance that has just gone: once more.
        if matches!(&answer, Err(status) if status.code() == tonic::Code::Unavailable) {
            answer = say_hello(client, name, String::new()).await;
        }
        answer
    }
}

/// One SayHello with the lesson's deadline; the answer says which instance replied (its
/// `x-instance` header) and at which address it was called (empty through the balancer,
/// which does not say).
async fn say_hello(
    client: &mut GreeterClient<Channel>,
    name: &str,
    addr: String,
) -> Result<Answer, Status> {
    let mut request = Request::new(HelloRequest { name: name.into() });
    request.set_timeout(CALL_TIMEOUT);
    let response = client
        .say_hello(request)
        .await
        .map_err(never_sent_is_unavailable)?;
    let instance = response
        .metadata()
        .get(INSTANCE_HEADER)
        .and_then(|id| id.to_str().ok())
        .unwrap_or("(unknown)")
        .to_string();
    Ok(Answer {
        message: response.into_inner().message,
        instance,
        addr,
    })
}

/// A request that hyper cancelled before it left never reached a server: it was queued for
/// a connection that closed, as a stopping instance closes its own. tonic calls that
/// `Cancelled`; here it is `Unavailable`, as a refused connection is, so that
/// `call_with_retry` tries the next instance. (Lesson 11's framework reads every case of
/// "it never ran" off the wire, in `micro/src/client/wire.rs`; this is the one a stopping
/// instance shows this client.)
fn never_sent_is_unavailable(status: Status) -> Status {
    let mut source = std::error::Error::source(&status);
    while let Some(error) = source {
        if error
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_canceled)
        {
            return Status::unavailable(format!("the request never left: {}", status.message()));
        }
        source = error.source();
    }
    status
}
