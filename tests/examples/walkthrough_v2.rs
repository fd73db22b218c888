//! The legacy API 2.0 walkthrough: create a pay-by-hour instance with
//! RunInstancesHour, wait until it runs, then return it with ReturnInstance
//! and wait until it is gone.
//!
//! ```sh
//! cargo run -p tencentcloud-tests --example walkthrough_v2
//! ```
//!
//! With TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY set this creates
//! (and returns) a real, billed instance; otherwise it runs against the
//! local mock endpoint.

use std::time::Duration;

use tencentcloud_cvm::v2::waiters::WaiterConfig;
use tencentcloud_cvm::v2::{
    Client, DescribeInstancesRequest, ReturnInstanceRequest, RunInstancesHourRequest,
};
use tencentcloud_tests::walkthrough::{explain, target};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = target(tencentcloud_cvm::v2::mock::builder()).await?;
    // The legacy API takes the short region codes (gz, sh, bj, ...).
    let client = Client::new(target.config.clone().region("gz"))?;
    let password =
        std::env::var("WALKTHROUGH_PASSWORD").unwrap_or_else(|_| "Walkthrough@2026".into());

    let request = RunInstancesHourRequest::new(100002, 1, 1, "img-lkxqa4kj", 0)
        .with_bandwidth(1)
        .with_password(password);
    let created = client
        .run_instances_hour(request)
        .await
        .map_err(|e| explain(&e))?;
    println!("unInstanceIds: {:?}", created.un_instance_ids);

    // Status 2 is running; a failed launch (-1) ends the wait with an error.
    let interval = if target.is_mock() {
        Duration::from_millis(50)
    } else {
        Duration::from_secs(5)
    };
    let waiting = WaiterConfig::new()
        .interval(interval)
        .timeout(Duration::from_secs(600));
    client
        .wait_until_instances_running(created.un_instance_ids.clone(), waiting)
        .await?;
    let described = client
        .describe_instances(
            DescribeInstancesRequest::new().with_instance_ids(created.un_instance_ids.clone()),
        )
        .await
        .map_err(|e| explain(&e))?;
    for instance in &described.instance_set {
        println!(
            "running {} in zone {} ({}): {} CPU, {} GB, image {}, status {}",
            instance.un_instance_id.as_deref().unwrap_or("?"),
            instance.zone_id.unwrap_or_default(),
            instance.zone_name.as_deref().unwrap_or("?"),
            instance.cpu.unwrap_or_default(),
            instance.mem.unwrap_or_default(),
            instance.un_img_id.as_deref().unwrap_or("?"),
            instance.status.unwrap_or_default(),
        );
    }

    for id in &created.un_instance_ids {
        client
            .return_instance(ReturnInstanceRequest::new(id))
            .await
            .map_err(|e| explain(&e))?;
        println!("returned {id}");
    }
    client
        .wait_until_instances_gone(created.un_instance_ids.clone(), waiting)
        .await?;
    println!("gone");
    Ok(())
}
