//! The API 3.0 walkthrough: find the S2 model with 2 CPU and 4 GB in
//! ap-guangzhou-2 and a public Ubuntu image, create an instance, wait
//! until it runs, then terminate it and wait until it is gone.
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
    waiters::WaiterConfig, Client, DataDisk, DescribeImagesRequest, DescribeInstancesRequest,
    DescribeZoneInstanceConfigInfosRequest, EnhancedService, Filter, InternetAccessible, Placement,
    RunInstancesRequest, RunMonitorServiceEnabled, RunSecurityServiceEnabled, SystemDisk,
    TerminateInstancesRequest,
};
use tencentcloud_tests::walkthrough::{explain, target};

const ZONE: &str = "ap-guangzhou-2";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = target(tencentcloud_cvm::v20170312::mock::builder()).await?;
    let client = Client::new(target.config.clone().region("ap-guangzhou"))?;

    // 1. Which S2 models does the zone sell? Take the pay-by-hour one with
    //    2 CPU and 4 GB (S2.MEDIUM4).
    let offers = client
        .describe_zone_instance_config_infos(
            DescribeZoneInstanceConfigInfosRequest::new().with_filters([
                Filter::new("zone", [ZONE]),
                Filter::new("instance-family", ["S2"]),
            ]),
        )
        .await
        .map_err(|e| explain(&e))?;
    for offer in &offers.instance_type_quota_set {
        let price = offer.price.as_ref();
        println!(
            "model {} in {} ({}): {} CPU, {} GB, {}, {} per {}",
            offer.instance_type.as_deref().unwrap_or("?"),
            offer.zone.as_deref().unwrap_or("?"),
            offer.instance_charge_type.as_deref().unwrap_or("?"),
            offer.cpu.unwrap_or_default(),
            offer.memory.unwrap_or_default(),
            offer.status.as_deref().unwrap_or("?"),
            price
                .and_then(|p| p.unit_price.or(p.discount_price))
                .unwrap_or_default(),
            price.and_then(|p| p.charge_unit.as_deref()).unwrap_or("?"),
        );
    }
    let model = offers
        .instance_type_quota_set
        .iter()
        .find(|o| {
            o.cpu == Some(2)
                && o.memory == Some(4)
                && o.status.as_deref() == Some("SELL")
                && o.instance_charge_type.as_deref() == Some("POSTPAID_BY_HOUR")
        })
        .and_then(|o| o.instance_type.clone())
        .ok_or("no S2 model with 2 CPU and 4 GB is for sale in the zone")?;
    println!("chose {model}");

    // 2. A public Ubuntu image that runs on it.
    let images = client
        .describe_images(
            DescribeImagesRequest::new()
                .with_filters([
                    Filter::new("image-type", ["PUBLIC_IMAGE"]),
                    Filter::new("platform", ["Ubuntu"]),
                ])
                .with_instance_type(model.clone())
                .with_limit(1),
        )
        .await
        .map_err(|e| explain(&e))?;
    let image = images.image_set.first().ok_or("no public Ubuntu image")?;
    let image_id = image.image_id.clone().ok_or("an image without an id")?;
    println!(
        "image {image_id}: {}",
        image.image_name.as_deref().unwrap_or("?")
    );

    // 3. Create the instance.
    let request = RunInstancesRequest::new()
        .with_placement(Placement::new(ZONE))
        .with_image_id(image_id)
        .with_instance_type(model)
        .with_system_disk(
            SystemDisk::new()
                .with_disk_type("CLOUD_PREMIUM")
                .with_disk_size(50),
        )
        .with_data_disks([DataDisk::new(100).with_disk_type("CLOUD_PREMIUM")])
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

    // 4. Wait until every new instance is RUNNING; LAUNCH_FAILED or the
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
    let described = client
        .describe_instances(DescribeInstancesRequest::new().with_instance_ids(ids.clone()))
        .await
        .map_err(|e| explain(&e))?;
    for instance in &described.instance_set {
        println!(
            "running {} \"{}\": {} in {}, image {}, {}",
            instance.instance_id.as_deref().unwrap_or("?"),
            instance.instance_name.as_deref().unwrap_or("?"),
            instance.instance_type.as_deref().unwrap_or("?"),
            instance
                .placement
                .as_ref()
                .and_then(|p| p.zone.as_deref())
                .unwrap_or("?"),
            instance.image_id.as_deref().unwrap_or("?"),
            instance.instance_state.as_deref().unwrap_or("?"),
        );
    }

    // 5. Terminate it.
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
