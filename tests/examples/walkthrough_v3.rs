//! The API 3.0 walkthrough: find an instance model, create an instance,
//! wait until it runs, then terminate it.
//!
//! ```sh
//! cargo run -p tencentcloud-tests --example walkthrough_v3
//! ```
//!
//! With TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY set this creates
//! (and terminates) a real, billed instance; otherwise it runs against the
//! local mock endpoint.

use std::time::Duration;

use tencentcloud_cvm::v20170312::{
    waiters::WaiterConfig, Client, DataDisk, DescribeInstanceTypeConfigsRequest, EnhancedService,
    Filter, InternetAccessible, Placement, RunInstancesRequest, RunMonitorServiceEnabled,
    RunSecurityServiceEnabled, SystemDisk, TerminateInstancesRequest,
};
use tencentcloud_tests::walkthrough::{explain, target};

const ZONE: &str = "ap-guangzhou-2";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = target(tencentcloud_cvm::v20170312::mock::builder()).await?;
    let client = Client::new(target.config.clone().region("ap-guangzhou"))?;

    // 1. Which S2 models does the zone offer?
    let configs = client
        .describe_instance_type_configs(DescribeInstanceTypeConfigsRequest::new().with_filters([
            Filter::new("zone", [ZONE]),
            Filter::new("instance-family", ["S2"]),
        ]))
        .await
        .map_err(|e| explain(&e))?;
    for config in &configs.instance_type_config_set {
        println!(
            "model {}: {} CPU, {} GB",
            config.instance_type.as_deref().unwrap_or("?"),
            config.cpu.unwrap_or_default(),
            config.memory.unwrap_or_default()
        );
    }

    // 2. Create the instance.
    let request = RunInstancesRequest::new()
        .with_placement(Placement::new(ZONE))
        .with_image_id("img-pmqg1cw7")
        .with_instance_type("S1.SMALL1")
        .with_system_disk(
            SystemDisk::new()
                .with_disk_type("LOCAL_BASIC")
                .with_disk_size(50),
        )
        .with_data_disks([DataDisk::new(100).with_disk_type("LOCAL_BASIC")])
        .with_internet_accessible(
            InternetAccessible::new()
                .with_internet_charge_type("TRAFFIC_POSTPAID_BY_HOUR")
                .with_internet_max_bandwidth_out(10)
                .with_public_ip_assigned(true),
        )
        .with_instance_name("QCLOUD-TEST")
        .with_enhanced_service(
            EnhancedService::new()
                .with_security_service(RunSecurityServiceEnabled::new().with_enabled(true))
                .with_monitor_service(RunMonitorServiceEnabled::new().with_enabled(true)),
        );
    let created = client
        .run_instances(request)
        .await
        .map_err(|e| explain(&e))?;
    let ids = created.instance_id_set.clone();
    println!("created {ids:?}");

    // 3. Wait until every new instance is RUNNING; LAUNCH_FAILED or the
    //    timeout ends the wait with a typed error.
    let interval = if target.is_mock() {
        Duration::from_millis(50)
    } else {
        Duration::from_secs(5)
    };
    let waiting = WaiterConfig::new()
        .interval(interval)
        .timeout(Duration::from_secs(600));
    client
        .wait_until_instances_running(ids.clone(), waiting)
        .await?;
    println!("running {ids:?}");

    // 4. Terminate it.
    client
        .terminate_instances(TerminateInstancesRequest::new(ids.clone()))
        .await
        .map_err(|e| explain(&e))?;
    client
        .wait_until_instances_gone(ids.clone(), waiting)
        .await?;
    println!("terminated {ids:?}");
    Ok(())
}
