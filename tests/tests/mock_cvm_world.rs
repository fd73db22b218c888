//! The mock as a local CVM, through the generated typed clients over HTTP
//! on 127.0.0.1: every documented filter, the Tencent filter semantics and
//! errors, paging, state changes, key pairs, security groups and seeding,
//! and the actions that change an instance (resize, reinstall, rename,
//! password reset), disk types and login settings, and what the request
//! log shows of passwords.

use tencentcloud_cvm::v20170312::{
    self as v3, mock, AssociateInstancesKeyPairsRequest, AssociateSecurityGroupsRequest, Client,
    CreateKeyPairRequest, DataDisk, DeleteKeyPairsRequest, DescribeImagesRequest,
    DescribeInstanceTypeConfigsRequest, DescribeInstancesRequest, DescribeKeyPairsRequest,
    DescribeZoneInstanceConfigInfosRequest, DisassociateInstancesKeyPairsRequest, Filter,
    ImportKeyPairRequest, LoginSettings, ModifyInstancesAttributeRequest, Placement,
    ResetInstanceRequest, ResetInstancesPasswordRequest, ResetInstancesTypeRequest,
    RunInstancesRequest, StartInstancesRequest, StopInstancesRequest, SystemDisk, TagSpecification,
    TerminateInstancesRequest,
};
use tencentcloud_cvm::{ClientConfig, Credentials};
use tencentcloud_mock::cvm::{CvmWorld, Instance, Tag};
use tencentcloud_mock::MockServer;

fn credentials() -> Credentials {
    Credentials::new("AKIDworldtest", "world-test-key")
}

async fn serve(world: CvmWorld) -> (MockServer, Client) {
    let server = mock::builder()
        .credentials(credentials())
        .behaviour(world)
        .start()
        .await
        .expect("binds 127.0.0.1");
    let client =
        Client::new(ClientConfig::new(credentials()).endpoint(server.url())).expect("client");
    (server, client)
}

fn seeded(id: &str, name: &str, zone: &str, instance_type: &str, image: &str) -> Instance {
    Instance {
        instance_id: id.into(),
        instance_name: name.into(),
        zone: zone.into(),
        instance_type: instance_type.into(),
        image_id: image.into(),
        ..Instance::default()
    }
}

/// Three instances that differ in every filtered attribute.
fn world() -> CvmWorld {
    let one = Instance {
        project_id: 1001,
        host_id: "host-aaaa0001".into(),
        dedicated_cluster_id: "cluster-aaaa0001".into(),
        vpc_id: "vpc-aaaa0001".into(),
        subnet_id: "subnet-aaaa0001".into(),
        uuid: "uuid-0001".into(),
        security_group_ids: vec!["sg-5df1nkg7".into()],
        private_ip_address: "10.1.0.1".into(),
        public_ip_address: "119.29.0.1".into(),
        ipv6_addresses: vec!["240e::1".into()],
        tags: vec![Tag::new("env", "prod")],
        created_time: "2024-01-01T00:00:00Z".into(),
        ..seeded(
            "ins-seed0001",
            "web-1",
            "ap-guangzhou-2",
            "S2.MEDIUM4",
            "img-lkxqa4kj",
        )
    };
    let two = Instance {
        vpc_id: "vpc-bbbb0002".into(),
        subnet_id: "subnet-bbbb0002".into(),
        uuid: "uuid-0002".into(),
        security_group_ids: vec!["sg-2rbwpfz1".into()],
        instance_charge_type: "PREPAID".into(),
        instance_state: "STOPPED".into(),
        private_ip_address: "10.1.0.2".into(),
        tags: vec![Tag::new("env", "dev"), Tag::new("team", "data")],
        created_time: "2024-06-01T00:00:00Z".into(),
        ..seeded(
            "ins-seed0002",
            "db-1",
            "ap-guangzhou-3",
            "S5.MEDIUM4",
            "img-l8og963d",
        )
    };
    let three = Instance {
        uuid: "uuid-0003".into(),
        private_ip_address: "10.1.0.3".into(),
        tags: vec![Tag::new("team", "web")],
        created_time: "2025-01-01T00:00:00Z".into(),
        ..seeded(
            "ins-seed0003",
            "web-2",
            "ap-shanghai-2",
            "S2.SMALL1",
            "img-22trbn9x",
        )
    };
    CvmWorld::seeded()
        .instance(one)
        .and_then(|w| w.instance(two))
        .and_then(|w| w.instance(three))
        .expect("a consistent world")
}

fn code(error: &tencentcloud_cvm::Error) -> String {
    error
        .as_api()
        .map(|api| api.code.clone())
        .unwrap_or_else(|| error.to_string())
}

#[tokio::test]
async fn describe_instances_honours_every_documented_filter() {
    let (_server, client) = serve(world()).await;
    let table: &[(&str, &[&str], &[&str])] = &[
        ("zone", &["ap-guangzhou-2"], &["ins-seed0001"]),
        (
            "zone",
            &["ap-guangzhou-2", "ap-shanghai-2"],
            &["ins-seed0001", "ins-seed0003"],
        ),
        ("project-id", &["1001"], &["ins-seed0001"]),
        ("host-id", &["host-aaaa0001"], &["ins-seed0001"]),
        (
            "dedicated-cluster-id",
            &["cluster-aaaa0001"],
            &["ins-seed0001"],
        ),
        ("vpc-id", &["vpc-bbbb0002"], &["ins-seed0002"]),
        ("subnet-id", &["subnet-aaaa0001"], &["ins-seed0001"]),
        (
            "instance-id",
            &["ins-seed0003", "ins-nothere"],
            &["ins-seed0003"],
        ),
        ("uuid", &["uuid-0002"], &["ins-seed0002"]),
        ("security-group-id", &["sg-2rbwpfz1"], &["ins-seed0002"]),
        ("instance-name", &["web-2"], &["ins-seed0003"]),
        (
            "instance-charge-type",
            &["POSTPAID_BY_HOUR"],
            &["ins-seed0001", "ins-seed0003"],
        ),
        ("instance-state", &["STOPPED"], &["ins-seed0002"]),
        ("private-ip-address", &["10.1.0.3"], &["ins-seed0003"]),
        ("public-ip-address", &["119.29.0.1"], &["ins-seed0001"]),
        ("ipv6-address", &["240e::1"], &["ins-seed0001"]),
        ("tag-key", &["team"], &["ins-seed0002", "ins-seed0003"]),
        (
            "tag-value",
            &["prod", "web"],
            &["ins-seed0001", "ins-seed0003"],
        ),
        ("tag:env", &["dev"], &["ins-seed0002"]),
        (
            "creation-start-time",
            &["2024-06-01 00:00:00"],
            &["ins-seed0002", "ins-seed0003"],
        ),
        (
            "creation-end-time",
            &["2024-06-01 00:00:00"],
            &["ins-seed0001", "ins-seed0002"],
        ),
        ("zone", &["ap-beijing-3"], &[]),
    ];
    for (name, values, expected) in table {
        let reply = client
            .describe_instances(
                DescribeInstancesRequest::new()
                    .with_filters([Filter::new(*name, values.iter().copied())]),
            )
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let ids: Vec<&str> = reply
            .instance_set
            .iter()
            .filter_map(|i| i.instance_id.as_deref())
            .collect();
        assert_eq!(ids, *expected, "filter {name} = {values:?}");
        assert_eq!(reply.total_count, Some(expected.len() as i64), "{name}");
    }
    // Filters AND: web instances in ap-guangzhou-2 only.
    let reply = client
        .describe_instances(DescribeInstancesRequest::new().with_filters([
            Filter::new("tag-key", ["env", "team"]),
            Filter::new("instance-charge-type", ["POSTPAID_BY_HOUR"]),
            Filter::new("zone", ["ap-shanghai-2"]),
        ]))
        .await
        .expect("described");
    let ids: Vec<_> = reply
        .instance_set
        .iter()
        .filter_map(|i| i.instance_id.clone())
        .collect();
    assert_eq!(ids, ["ins-seed0003"]);
}

#[tokio::test]
async fn describe_errors_paging_and_exclusivity() {
    let (_server, client) = serve(world()).await;
    let unknown = client
        .describe_instances(
            DescribeInstancesRequest::new().with_filters([Filter::new("colour", ["red"])]),
        )
        .await
        .expect_err("unknown filter");
    assert_eq!(code(&unknown), "InvalidFilter");
    assert!(unknown.to_string().contains("colour"), "{unknown}");
    let both = client
        .describe_instances(
            DescribeInstancesRequest::new()
                .with_instance_ids(["ins-seed0001"])
                .with_filters([Filter::new("zone", ["ap-guangzhou-2"])]),
        )
        .await
        .expect_err("InstanceIds with Filters");
    assert_eq!(code(&both), "InvalidParameter");
    let many = client
        .describe_instances(
            DescribeInstancesRequest::new()
                .with_filters([Filter::new("zone", ["a", "b", "c", "d", "e", "f"])]),
        )
        .await
        .expect_err("six values");
    assert_eq!(code(&many), "InvalidFilterValue.LimitExceeded");
    let page = client
        .describe_instances(DescribeInstancesRequest::new().with_offset(1).with_limit(1))
        .await
        .expect("a page");
    assert_eq!(page.total_count, Some(3));
    let ids: Vec<_> = page
        .instance_set
        .iter()
        .filter_map(|i| i.instance_id.clone())
        .collect();
    assert_eq!(ids, ["ins-seed0002"]);
    let images = client
        .describe_images(
            DescribeImagesRequest::new()
                .with_image_ids(["img-lkxqa4kj"])
                .with_filters([Filter::new("platform", ["Ubuntu"])]),
        )
        .await
        .expect_err("ImageIds with Filters");
    assert_eq!(
        code(&images),
        "InvalidParameter.InvalidParameterCoexistImageIdsFilters"
    );
    let keys = client
        .describe_key_pairs(
            DescribeKeyPairsRequest::new()
                .with_key_ids(["skey-x"])
                .with_filters([Filter::new("key-name", ["x"])]),
        )
        .await
        .expect_err("KeyIds with Filters");
    assert_eq!(code(&keys), "InvalidParameter");
}

#[tokio::test]
async fn catalog_filters() {
    let (_server, client) = serve(CvmWorld::seeded()).await;
    let offers = |filters: Vec<Filter>| {
        let client = client.clone();
        async move {
            let reply = client
                .describe_zone_instance_config_infos(
                    DescribeZoneInstanceConfigInfosRequest::new().with_filters(filters),
                )
                .await
                .expect("offers");
            reply
                .instance_type_quota_set
                .iter()
                .map(|o| {
                    format!(
                        "{} {} {}",
                        o.zone.clone().unwrap_or_default(),
                        o.instance_type.clone().unwrap_or_default(),
                        o.instance_charge_type.clone().unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let s2 = offers(vec![
        Filter::new("zone", ["ap-guangzhou-2"]),
        Filter::new("instance-family", ["S2"]),
    ])
    .await;
    assert_eq!(s2.len(), 8, "{s2:?}");
    assert!(s2.contains(&"ap-guangzhou-2 S2.MEDIUM4 POSTPAID_BY_HOUR".to_owned()));
    assert_eq!(
        offers(vec![
            Filter::new("instance-type", ["S2.MEDIUM4"]),
            Filter::new("instance-charge-type", ["PREPAID"])
        ])
        .await,
        [
            "ap-guangzhou-2 S2.MEDIUM4 PREPAID",
            "ap-guangzhou-3 S2.MEDIUM4 PREPAID",
            "ap-shanghai-2 S2.MEDIUM4 PREPAID"
        ]
    );
    let sorted = offers(vec![
        Filter::new("zone", ["ap-guangzhou-2"]),
        Filter::new("instance-charge-type", ["POSTPAID_BY_HOUR"]),
        Filter::new("sort-keys", ["cpu:desc"]),
    ])
    .await;
    assert!(sorted[0].contains("LARGE8"), "{sorted:?}");
    let medium = client
        .describe_instance_type_configs(DescribeInstanceTypeConfigsRequest::new().with_filters([
            Filter::new("zone", ["ap-guangzhou-2"]),
            Filter::new("instance-type", ["S2.MEDIUM4"]),
        ]))
        .await
        .expect("configs");
    let config = &medium.instance_type_config_set[0];
    assert_eq!(
        (config.cpu, config.memory, config.instance_family.as_deref()),
        (Some(2), Some(4), Some("S2"))
    );
    let families = client
        .describe_instance_type_configs(
            DescribeInstanceTypeConfigsRequest::new()
                .with_filters([Filter::new("instance-family", ["M5"])]),
        )
        .await
        .expect("configs");
    assert_eq!(families.instance_type_config_set.len(), 2);
    let two = client
        .describe_instance_type_configs(
            DescribeInstanceTypeConfigsRequest::new()
                .with_filters([Filter::new("zone", ["a", "b"])]),
        )
        .await
        .expect_err("one value only");
    assert_eq!(code(&two), "InvalidFilterValue.LimitExceeded");
    let images = |filters: Vec<Filter>| {
        let client = client.clone();
        async move {
            let reply = client
                .describe_images(DescribeImagesRequest::new().with_filters(filters))
                .await
                .expect("images");
            reply
                .image_set
                .iter()
                .filter_map(|i| i.image_id.clone())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        images(vec![Filter::new("image-id", ["img-l8og963d"])]).await,
        ["img-l8og963d"]
    );
    assert_eq!(
        images(vec![Filter::new("image-type", ["PRIVATE_IMAGE"])]).await,
        Vec::<String>::new()
    );
    assert_eq!(
        images(vec![Filter::new("image-name", ["22.04"])]).await,
        ["img-22trbn9x"]
    );
    assert_eq!(
        images(vec![Filter::new("platform", ["ubuntu"])]).await,
        ["img-lkxqa4kj", "img-22trbn9x"]
    );
    let unknown = client
        .describe_images(DescribeImagesRequest::new().with_filters([Filter::new("os", ["x"])]))
        .await
        .expect_err("unknown");
    assert_eq!(code(&unknown), "InvalidFilter");
}

#[tokio::test]
async fn created_instances_show_what_they_were_created_with() {
    let (server, client) = serve(CvmWorld::seeded()).await;
    let key = client
        .create_key_pair(CreateKeyPairRequest::new("deploy", 0))
        .await
        .expect("a key");
    let key_id = key.key_pair.and_then(|k| k.key_id).expect("a key id");
    let ids = client
        .run_instances(
            RunInstancesRequest::new()
                .with_placement(Placement::new("ap-guangzhou-2"))
                .with_instance_type("S2.MEDIUM4")
                .with_image_id("img-lkxqa4kj")
                .with_instance_name("api-1")
                .with_login_settings(LoginSettings::new().with_key_ids([key_id.clone()]))
                .with_security_group_ids(["sg-2rbwpfz1"])
                .with_tag_specification([TagSpecification::new(
                    "instance",
                    [v3::Tag::new("env", "ci")],
                )]),
        )
        .await
        .expect("created")
        .instance_id_set;
    let described = client
        .describe_instances(
            DescribeInstancesRequest::new().with_filters([Filter::new("tag:env", ["ci"])]),
        )
        .await
        .expect("described");
    let instance = &described.instance_set[0];
    assert_eq!(instance.instance_id.as_deref(), Some(ids[0].as_str()));
    assert_eq!(
        instance.placement.as_ref().and_then(|p| p.zone.as_deref()),
        Some("ap-guangzhou-2")
    );
    assert_eq!(
        (
            instance.instance_type.as_deref(),
            instance.cpu,
            instance.memory
        ),
        (Some("S2.MEDIUM4"), Some(2), Some(4))
    );
    assert_eq!(instance.image_id.as_deref(), Some("img-lkxqa4kj"));
    assert_eq!(instance.instance_name.as_deref(), Some("api-1"));
    assert_eq!(instance.security_group_ids, ["sg-2rbwpfz1"]);
    assert_eq!(
        instance.login_settings.as_ref().map(|l| l.key_ids.clone()),
        Some(vec![key_id.clone()])
    );
    assert_eq!(instance.instance_state.as_deref(), Some("PENDING"));
    // The state moved on, and the key pair knows its instance.
    let running = client
        .describe_instances(
            DescribeInstancesRequest::new()
                .with_filters([Filter::new("instance-state", ["RUNNING"])]),
        )
        .await
        .expect("described");
    assert_eq!(running.total_count, Some(1));
    let keys = client
        .describe_key_pairs(
            DescribeKeyPairsRequest::new().with_filters([Filter::new("key-name", ["deploy"])]),
        )
        .await
        .expect("keys");
    assert_eq!(keys.key_pair_set[0].associated_instance_ids, ids.clone());
    // Stopping shows in later calls; the world agrees.
    client
        .stop_instances(StopInstancesRequest::new(ids.clone()))
        .await
        .expect("stopping");
    let state = server.with_behaviour(|w: &mut CvmWorld| w.instances()[0].instance_state.clone());
    assert_eq!(state.as_deref(), Some("STOPPING"));
    let wrong_zone = client
        .run_instances(
            RunInstancesRequest::new()
                .with_placement(Placement::new("ap-beijing-3"))
                .with_instance_type("S2.MEDIUM4"),
        )
        .await
        .expect_err("S2 is not sold in Beijing");
    assert_eq!(
        code(&wrong_zone),
        "ResourceNotFound.InvalidZoneInstanceType"
    );
}

#[tokio::test]
async fn key_pairs_and_security_groups() {
    let (_server, client) = serve(world()).await;
    let imported = client
        .import_key_pair(ImportKeyPairRequest::new(
            "laptop",
            0,
            "ssh-ed25519 AAAAC3Nz laptop",
        ))
        .await
        .expect("imported")
        .key_id
        .expect("an id");
    for (name, expected) in [
        ("ops key", "InvalidKeyPairNameIncludeIllegalChar"),
        ("laptop", "InvalidKeyPairName.Duplicate"),
        ("", "InvalidKeyPairNameEmpty"),
    ] {
        let error = client
            .create_key_pair(CreateKeyPairRequest::new(name, 0))
            .await
            .expect_err(name);
        assert_eq!(code(&error), expected, "{name:?}");
    }
    let again = client
        .import_key_pair(ImportKeyPairRequest::new(
            "laptop2",
            0,
            "ssh-ed25519 AAAAC3Nz laptop",
        ))
        .await
        .expect_err("same public key");
    assert_eq!(code(&again), "InvalidPublicKey.Duplicate");
    let by_project = client
        .describe_key_pairs(
            DescribeKeyPairsRequest::new().with_filters([Filter::new("project-id", ["0"])]),
        )
        .await
        .expect("keys");
    assert_eq!(by_project.total_count, Some(1));
    // Binding needs a stopped instance unless ForceStop.
    let running = client
        .associate_instances_key_pairs(AssociateInstancesKeyPairsRequest::new(
            ["ins-seed0001"],
            [imported.clone()],
        ))
        .await
        .expect_err("running");
    assert_eq!(code(&running), "UnsupportedOperation.InstanceStateRunning");
    client
        .associate_instances_key_pairs(AssociateInstancesKeyPairsRequest::new(
            ["ins-seed0002"],
            [imported.clone()],
        ))
        .await
        .expect("bound to the stopped one");
    client
        .associate_security_groups(AssociateSecurityGroupsRequest::new(
            ["sg-5df1nkg7"],
            ["ins-seed0002"],
        ))
        .await
        .expect("associated");
    let members = client
        .describe_instances(
            DescribeInstancesRequest::new()
                .with_filters([Filter::new("security-group-id", ["sg-5df1nkg7"])]),
        )
        .await
        .expect("members");
    assert_eq!(members.total_count, Some(2));
    let missing = client
        .associate_security_groups(AssociateSecurityGroupsRequest::new(
            ["sg-nothere"],
            ["ins-seed0002"],
        ))
        .await
        .expect_err("no such group");
    assert_eq!(code(&missing), "InvalidSecurityGroupId.NotFound");
    // A bound key stays until it is unbound; the call succeeds regardless,
    // and the caller checks which keys went.
    client
        .delete_key_pairs(DeleteKeyPairsRequest::new([imported.clone()]))
        .await
        .expect("succeeds");
    let kept = client
        .describe_key_pairs(DescribeKeyPairsRequest::new().with_key_ids([imported.clone()]))
        .await
        .expect("still there");
    assert_eq!(kept.total_count, Some(1));
    client
        .disassociate_instances_key_pairs(DisassociateInstancesKeyPairsRequest::new(
            ["ins-seed0002"],
            [imported.clone()],
        ))
        .await
        .expect("unbound");
    client
        .delete_key_pairs(DeleteKeyPairsRequest::new([imported.clone()]))
        .await
        .expect("deleted");
    let gone = client
        .delete_key_pairs(DeleteKeyPairsRequest::new([imported]))
        .await
        .expect_err("gone");
    assert_eq!(code(&gone), "InvalidKeyPairId.NotFound");
}

#[tokio::test]
async fn operations_force_stop_and_the_recycle_bin() {
    let (_server, client) = serve(world()).await;
    let show = |id: &'static str| {
        let client = client.clone();
        async move {
            let reply = client
                .describe_instances(DescribeInstancesRequest::new().with_instance_ids([id]))
                .await
                .expect("described");
            let i = &reply.instance_set[0];
            (
                i.instance_state.clone().unwrap_or_default(),
                i.latest_operation.clone().unwrap_or_default(),
                i.latest_operation_state.clone().unwrap_or_default(),
                i.latest_operation_request_id.clone().unwrap_or_default(),
            )
        }
    };
    // ForceStop binds a key to a running instance and starts it again.
    let key = client
        .create_key_pair(CreateKeyPairRequest::new("force", 0))
        .await
        .expect("a key")
        .key_pair
        .and_then(|k| k.key_id)
        .expect("an id");
    let bound = client
        .associate_instances_key_pairs(
            AssociateInstancesKeyPairsRequest::new(["ins-seed0001"], [key]).with_force_stop(true),
        )
        .await
        .expect("bound")
        .request_id
        .expect("a RequestId");
    let op = "AssociateInstancesKeyPairs".to_owned();
    assert_eq!(
        show("ins-seed0001").await,
        (
            "STARTING".into(),
            op.clone(),
            "OPERATING".into(),
            bound.clone()
        )
    );
    assert_eq!(
        show("ins-seed0001").await,
        ("RUNNING".into(), op, "SUCCESS".into(), bound)
    );
    // A PREPAID instance goes to the recycle bin first, then is destroyed.
    let terminate = || client.terminate_instances(TerminateInstancesRequest::new(["ins-seed0002"]));
    let first = terminate()
        .await
        .expect("recycled")
        .request_id
        .expect("an id");
    let op = "TerminateInstances".to_owned();
    assert_eq!(
        show("ins-seed0002").await,
        (
            "SHUTDOWN".into(),
            op.clone(),
            "OPERATING".into(),
            first.clone()
        )
    );
    assert_eq!(
        show("ins-seed0002").await,
        ("SHUTDOWN".into(), op, "SUCCESS".into(), first)
    );
    let start = client
        .start_instances(StartInstancesRequest::new(["ins-seed0002"]))
        .await
        .expect_err("in the recycle bin");
    assert_eq!(code(&start), "UnsupportedOperation.InstanceStateShutdown");
    terminate().await.expect("destroyed");
    assert_eq!(show("ins-seed0002").await.0, "TERMINATING");
    let left = client
        .describe_instances(DescribeInstancesRequest::new())
        .await
        .expect("described");
    assert_eq!(left.total_count, Some(2));
}

/// A user's maintenance story on one instance: stop, resize, reinstall,
/// rename, move to another security group, reset the password; each
/// change shows in the next DescribeInstances.
#[tokio::test]
async fn resize_reinstall_rename_and_reset_password() {
    let (server, client) = serve(world()).await;
    let id = "ins-seed0001";
    let describe = || {
        let client = client.clone();
        async move {
            let reply = client
                .describe_instances(DescribeInstancesRequest::new().with_instance_ids([id]))
                .await
                .expect("described");
            reply.instance_set[0].clone()
        }
    };
    let progress = |i: &v3::output::Instance| {
        (
            i.instance_state.clone().unwrap_or_default(),
            i.latest_operation.clone().unwrap_or_default(),
            i.latest_operation_state.clone().unwrap_or_default(),
        )
    };
    // A running instance is resized as it is: shut down normally, resized,
    // and running again by itself ("完成实例配置调整后，实例将自动显示为运行中");
    // ForceStop only decides whether a failed shutdown is forced.
    let resize = |to: &str| client.reset_instances_type(ResetInstancesTypeRequest::new([id], to));
    let resized = resize("S2.LARGE8")
        .await
        .expect("resized while running")
        .request_id
        .expect("a RequestId");
    let i = describe().await;
    assert_eq!(
        (i.instance_type.as_deref(), i.cpu, i.memory),
        (Some("S2.LARGE8"), Some(4), Some(8))
    );
    assert_eq!(
        progress(&i),
        (
            "STARTING".into(),
            "ResetInstancesType".into(),
            "OPERATING".into()
        )
    );
    assert_eq!(
        i.latest_operation_request_id.as_deref(),
        Some(resized.as_str())
    );
    let i = describe().await;
    assert_eq!(
        progress(&i),
        (
            "RUNNING".into(),
            "ResetInstancesType".into(),
            "SUCCESS".into()
        )
    );
    // A stopped one too, and it comes back running as well.
    client
        .stop_instances(StopInstancesRequest::new([id]))
        .await
        .expect("stopping");
    assert_eq!(describe().await.instance_state.as_deref(), Some("STOPPING"));
    assert_eq!(describe().await.instance_state.as_deref(), Some("STOPPED"));
    let unknown = resize("S2.NOPE").await.expect_err("no such type");
    assert_eq!(code(&unknown), "InvalidParameterValue.InstanceTypeNotFound");
    let elsewhere = resize("S5.LARGE8")
        .await
        .expect_err("not sold in ap-guangzhou-2");
    assert_eq!(code(&elsewhere), "ResourceNotFound.InvalidZoneInstanceType");
    client
        .reset_instances_type(
            ResetInstancesTypeRequest::new([id], "S2.MEDIUM4").with_force_stop(true),
        )
        .await
        .expect("resized while stopped");
    let i = describe().await;
    assert_eq!(
        (i.instance_type.as_deref(), i.cpu, i.memory),
        (Some("S2.MEDIUM4"), Some(2), Some(4))
    );
    assert_eq!(progress(&i).0, "STARTING");
    assert_eq!(describe().await.instance_state.as_deref(), Some("RUNNING"));
    // Reinstall with another image, a larger system disk and a password.
    client
        .reset_instance(
            ResetInstanceRequest::new(id)
                .with_image_id("img-9qrfy1xt")
                .with_system_disk(SystemDisk::new().with_disk_size(100))
                .with_login_settings(LoginSettings::new().with_password("Reinstall#2024")),
        )
        .await
        .expect("reinstalled");
    let i = describe().await;
    assert_eq!(progress(&i).0, "STARTING");
    assert_eq!(
        (i.image_id.as_deref(), i.os_name.as_deref()),
        (Some("img-9qrfy1xt"), Some("TencentOS Server 3.1 (TK4)"))
    );
    assert_eq!(i.system_disk.as_ref().and_then(|d| d.disk_size), Some(100));
    assert_eq!(
        progress(&describe().await),
        ("RUNNING".into(), "ResetInstance".into(), "SUCCESS".into())
    );
    let shrink = client
        .reset_instance(
            ResetInstanceRequest::new(id).with_system_disk(SystemDisk::new().with_disk_size(50)),
        )
        .await
        .expect_err("disks only grow");
    assert_eq!(code(&shrink), "InvalidParameterValue");
    // Rename two instances; the name shows and filters.
    client
        .modify_instances_attribute(
            ModifyInstancesAttributeRequest::new([id, "ins-seed0003"]).with_instance_name("edge"),
        )
        .await
        .expect("renamed");
    let named = client
        .describe_instances(
            DescribeInstancesRequest::new().with_filters([Filter::new("instance-name", ["edge"])]),
        )
        .await
        .expect("described");
    assert_eq!(named.total_count, Some(2));
    let two = client
        .modify_instances_attribute(
            ModifyInstancesAttributeRequest::new([id])
                .with_instance_name("x")
                .with_security_groups(["sg-2rbwpfz1"]),
        )
        .await
        .expect_err("one attribute per request");
    assert_eq!(code(&two), "InvalidParameter");
    // New security groups replace the old ones.
    client
        .modify_instances_attribute(
            ModifyInstancesAttributeRequest::new([id]).with_security_groups(["sg-2rbwpfz1"]),
        )
        .await
        .expect("regrouped");
    assert_eq!(describe().await.security_group_ids, ["sg-2rbwpfz1"]);
    // Passwords: a running instance needs ForceStop; nothing keeps them.
    let password = "Changed#Pass2024";
    let running = client
        .reset_instances_password(ResetInstancesPasswordRequest::new([id], password))
        .await
        .expect_err("running");
    assert_eq!(code(&running), "UnsupportedOperation.InstanceStateRunning");
    let weak = client
        .reset_instances_password(
            ResetInstancesPasswordRequest::new([id], "weakweak").with_force_stop(true),
        )
        .await
        .expect_err("too simple");
    assert_eq!(code(&weak), "InvalidParameterValue.InvalidPassword");
    assert!(!format!("{weak} {weak:?}").contains("weakweak"), "{weak}");
    client
        .reset_instances_password(
            ResetInstancesPasswordRequest::new([id], password).with_force_stop(true),
        )
        .await
        .expect("reset");
    let i = describe().await;
    assert_eq!(
        progress(&i),
        (
            "STARTING".into(),
            "ResetInstancesPassword".into(),
            "OPERATING".into()
        )
    );
    assert_eq!(describe().await.instance_state.as_deref(), Some("RUNNING"));
    let kept = server.with_behaviour(|w: &mut CvmWorld| format!("{w:?}"));
    assert!(
        kept.is_some_and(|k| !k.contains(password)),
        "the world keeps no password"
    );
    // One TerminateInstances batch takes one charge type.
    let mixed = client
        .terminate_instances(TerminateInstancesRequest::new([id, "ins-seed0002"]))
        .await
        .expect_err("hourly and monthly");
    assert_eq!(
        code(&mixed),
        "UnsupportedOperation.InstanceMixedPricingModel"
    );
}

/// An instance keeps the disk types it was launched with, and a reinstall
/// takes its own system disk type but no other; LoginSettings is checked
/// alike by both actions (KeepImageLogin only for images that are not
/// public, missing key pairs with the code both document).
#[tokio::test]
async fn disk_types_and_login_settings_through_the_client() {
    let (_server, client) = serve(world()).await;
    let ids = client
        .run_instances(
            RunInstancesRequest::new()
                .with_system_disk(
                    SystemDisk::new()
                        .with_disk_type("CLOUD_SSD")
                        .with_disk_size(60),
                )
                .with_data_disks([
                    DataDisk::new(100).with_disk_type("CLOUD_HSSD"),
                    DataDisk::new(200),
                ]),
        )
        .await
        .expect("launched")
        .instance_id_set;
    let id = ids[0].as_str();
    let describe = || {
        let client = client.clone();
        async move {
            let reply = client
                .describe_instances(DescribeInstancesRequest::new().with_instance_ids([id]))
                .await
                .expect("described");
            reply.instance_set[0].clone()
        }
    };
    let i = describe().await;
    assert_eq!(
        i.system_disk.as_ref().and_then(|d| d.disk_type.as_deref()),
        Some("CLOUD_SSD")
    );
    let data: Vec<_> = i
        .data_disks
        .iter()
        .map(|d| d.disk_type.clone().unwrap_or_default())
        .collect();
    assert_eq!(data, ["CLOUD_HSSD", "CLOUD_PREMIUM"]);
    let undocumented = client
        .run_instances(
            RunInstancesRequest::new().with_system_disk(SystemDisk::new().with_disk_type("SSD")),
        )
        .await
        .expect_err("not a documented type");
    assert_eq!(code(&undocumented), "InvalidParameterValue");
    // Now RUNNING: a reinstall with the type the instance has.
    assert_eq!(describe().await.instance_state.as_deref(), Some("RUNNING"));
    let other = client
        .reset_instance(
            ResetInstanceRequest::new(id)
                .with_system_disk(SystemDisk::new().with_disk_type("CLOUD_PREMIUM")),
        )
        .await
        .expect_err("another type");
    assert_eq!(code(&other), "InvalidParameterValue");
    client
        .reset_instance(
            ResetInstanceRequest::new(id).with_system_disk(
                SystemDisk::new()
                    .with_disk_type("CLOUD_SSD")
                    .with_disk_size(80),
            ),
        )
        .await
        .expect("its own type");
    let disk = describe().await.system_disk.expect("a system disk");
    assert_eq!(
        (disk.disk_type.as_deref(), disk.disk_size),
        (Some("CLOUD_SSD"), Some(80))
    );
    // LoginSettings, one check for both actions.
    let keep = || LoginSettings::new().with_keep_image_login("TRUE");
    let launch = client
        .run_instances(
            RunInstancesRequest::new()
                .with_image_id("img-lkxqa4kj")
                .with_login_settings(keep()),
        )
        .await
        .expect_err("a public image");
    assert_eq!(code(&launch), "InvalidParameterValue");
    let reinstall = client
        .reset_instance(ResetInstanceRequest::new("ins-seed0002").with_login_settings(keep()))
        .await
        .expect_err("a public image");
    assert_eq!(code(&reinstall), "InvalidParameterValue");
    let missing = || LoginSettings::new().with_key_ids(["skey-nope0000"]);
    let launch = client
        .run_instances(RunInstancesRequest::new().with_login_settings(missing()))
        .await
        .expect_err("no such key");
    let reinstall = client
        .reset_instance(ResetInstanceRequest::new("ins-seed0002").with_login_settings(missing()))
        .await
        .expect_err("no such key");
    assert_eq!(
        (code(&launch), code(&reinstall)),
        (
            "InvalidParameterValue.KeyPairNotFound".to_owned(),
            "InvalidParameterValue.KeyPairNotFound".to_owned()
        )
    );
}

/// RunInstances keeps its HostName, DisableApiTermination and CamRoleName
/// and checks LoginSettings.Password; no password shows in the world or in
/// the request log's Debug, though the log's fields keep what was sent.
#[tokio::test]
async fn launch_settings_show_and_passwords_stay_out_of_debug_output() {
    let (server, client) = serve(CvmWorld::seeded()).await;
    let launch_password = "Launch#Pass2024";
    let reset_password = "Reset#Pass2024";
    let weak = client
        .run_instances(
            RunInstancesRequest::new()
                .with_login_settings(LoginSettings::new().with_password("weakweak")),
        )
        .await
        .expect_err("too simple");
    assert_eq!(code(&weak), "InvalidParameterValue.InvalidPassword");
    let bad_host = client
        .run_instances(RunInstancesRequest::new().with_host_name("-web"))
        .await
        .expect_err("a bad host name");
    assert_eq!(code(&bad_host), "InvalidParameterValue.IllegalHostName");
    let ids = client
        .run_instances(
            RunInstancesRequest::new()
                .with_host_name("api-{R:1}")
                .with_instance_count(2)
                .with_disable_api_termination(true)
                .with_cam_role_name("CVM_QcsRole")
                .with_login_settings(LoginSettings::new().with_password(launch_password)),
        )
        .await
        .expect("launched")
        .instance_id_set;
    let described = client
        .describe_instances(DescribeInstancesRequest::new().with_instance_ids(ids.clone()))
        .await
        .expect("described");
    let shown: Vec<_> = described
        .instance_set
        .iter()
        .map(|i| {
            (
                i.host_name.clone().unwrap_or_default(),
                i.disable_api_termination,
                i.cam_role_name.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("api-1".to_owned(), Some(true), "CVM_QcsRole".to_owned()),
            ("api-2".to_owned(), Some(true), "CVM_QcsRole".to_owned()),
        ]
    );
    let protected = client
        .terminate_instances(TerminateInstancesRequest::new(ids.clone()))
        .await
        .expect_err("protected from launch");
    assert_eq!(code(&protected), "UnsupportedOperation.InstancesProtected");
    client
        .reset_instances_password(
            ResetInstancesPasswordRequest::new(ids.clone(), reset_password).with_force_stop(true),
        )
        .await
        .expect("reset");
    let received = server.received();
    let logged = format!("{received:?} {received:#?}");
    let world = server
        .with_behaviour(|w: &mut CvmWorld| format!("{w:?}"))
        .expect("a CVM world");
    for password in [launch_password, reset_password, "weakweak"] {
        assert!(!logged.contains(password), "{password} in {logged}");
        assert!(!world.contains(password), "{password} in the world");
    }
    // The log's fields keep what was sent, for tests to check.
    let sent: Vec<_> = received
        .iter()
        .filter_map(|r| match r.action.as_str() {
            "RunInstances" => r.params["LoginSettings"]["Password"].as_str(),
            "ResetInstancesPassword" => r.params["Password"].as_str(),
            _ => None,
        })
        .collect();
    assert_eq!(sent, ["weakweak", launch_password, reset_password]);

    // The legacy API: ReturnInstance honours termination protection, and
    // its password param stays out of Debug too.
    use tencentcloud_cvm::v2;
    let protected = Instance {
        disable_api_termination: true,
        instance_state: "STOPPED".into(),
        ..seeded(
            "ins-prot0001",
            "kept",
            "ap-guangzhou-2",
            "S2.MEDIUM4",
            "img-lkxqa4kj",
        )
    };
    let world = CvmWorld::seeded().instance(protected).expect("consistent");
    let server = v2::mock::builder()
        .credentials(credentials())
        .behaviour(world)
        .start()
        .await
        .expect("binds");
    let client = v2::Client::new(
        ClientConfig::new(credentials())
            .endpoint(server.url())
            .region("gz"),
    )
    .expect("client");
    let refused = client
        .return_instance(v2::ReturnInstanceRequest::new("ins-prot0001"))
        .await
        .expect_err("protected");
    assert_eq!(
        refused.as_api().and_then(|a| a.code_desc.as_deref()),
        Some("OperationConstraints.InvaildInstanceStatus")
    );
    let legacy_password = "legacy#1234";
    client
        .reset_instance_password(v2::ResetInstancePasswordRequest::new(
            ["ins-prot0001"],
            legacy_password,
        ))
        .await
        .expect("reset");
    let logged = format!("{:?}", server.received());
    assert!(!logged.contains(legacy_password), "{logged}");
    assert!(logged.contains("ins-prot0001"), "{logged}");
    let left = server.with_behaviour(|w: &mut CvmWorld| w.instances().len());
    assert_eq!(left, Some(1), "a refused return removes nothing");
}

/// Query and form params carry bools as text, in the case the client
/// wrote: the Python SDK sends `ForceStop=True`, and the doc asks for
/// `TRUE`. The spec check and the world both take any case.
#[tokio::test]
async fn bools_sent_as_text_are_read_in_any_case() {
    use serde_json::{json, Value};
    use tencentcloud_cvm::{HttpMethod, SigningMethod};
    let (server, _) = serve(world()).await;
    for (signing, force) in [
        (SigningMethod::Tc3HmacSha256, "True"),
        (SigningMethod::HmacSha256, "TRUE"),
    ] {
        let client = Client::new(
            ClientConfig::new(credentials())
                .endpoint(server.url())
                .signing_method(signing)
                .http_method(HttpMethod::Get),
        )
        .expect("client");
        let params = json!({"InstanceIds": ["ins-seed0001"], "Password": "Changed#Pass2024",
            "ForceStop": force});
        client
            .runtime()
            .call::<Value, Value>("ResetInstancesPassword", None, &params)
            .await
            .unwrap_or_else(|e| panic!("{signing:?} ForceStop={force}: {e}"));
        let state = |w: &mut CvmWorld| w.instances()[0].instance_state.clone();
        assert_eq!(
            server.with_behaviour(state).as_deref(),
            Some("STARTING"),
            "{force}"
        );
        // Shown once, then RUNNING again.
        client
            .describe_instances(DescribeInstancesRequest::new().with_instance_ids(["ins-seed0001"]))
            .await
            .expect("described");
    }
}

#[tokio::test]
async fn seeds_from_a_json_file_and_reports_bad_ones() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/mock/cvm_seed.json");
    let world = CvmWorld::seeded().seed_file(path).expect("a valid seed");
    let (_server, client) = serve(world).await;
    let reply = client
        .describe_instances(
            DescribeInstancesRequest::new()
                .with_filters([Filter::new("instance-name", ["from-file"])]),
        )
        .await
        .expect("described");
    assert_eq!(
        reply.instance_set[0].image_id.as_deref(),
        Some("img-debian12")
    );
    assert_eq!(
        reply.instance_set[0].instance_state.as_deref(),
        Some("RUNNING")
    );
    let debian = client
        .describe_images(
            DescribeImagesRequest::new().with_filters([Filter::new("platform", ["Debian"])]),
        )
        .await
        .expect("images");
    assert_eq!(debian.total_count, Some(1));

    let dir = tempfile::tempdir().expect("a temp dir");
    let bad = dir.path().join("bad_seed.json");
    std::fs::write(
        &bad,
        "{\n  \"Images\": [\n    {\"ImageId\": \"img-x\", \"Platfrom\": \"Debian\"}\n  ]\n}\n",
    )
    .expect("written");
    let error = CvmWorld::seeded().seed_file(&bad).expect_err("a typo");
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("{}:3:35: ", bad.display())),
        "{text}"
    );
    assert!(text.contains("unknown field `Platfrom`"), "{text}");
    std::fs::write(&bad, "{\"Instances\": [{\"InstanceId\": \"ins-x\", \"Zone\": \"ap-mars-1\", \"InstanceType\": \"S2.MEDIUM4\", \"ImageId\": \"img-lkxqa4kj\"}]}").expect("written");
    let error = CvmWorld::seeded()
        .seed_file(&bad)
        .expect_err("no such zone");
    assert!(
        error.to_string().contains(":1:") && error.to_string().contains("ap-mars-1"),
        "{error}"
    );
    let missing = CvmWorld::seeded()
        .seed_file(dir.path().join("none.json"))
        .expect_err("no file");
    assert!(missing.to_string().contains("none.json"), "{missing}");
}

#[tokio::test]
async fn legacy_api_shares_the_world_model() {
    use tencentcloud_cvm::v2;
    let server = v2::mock::builder()
        .credentials(credentials())
        .behaviour(world())
        .start()
        .await
        .expect("binds");
    let client = v2::Client::new(
        ClientConfig::new(credentials())
            .endpoint(server.url())
            .region("gz"),
    )
    .expect("client");
    let listed = client
        .describe_instances(v2::DescribeInstancesRequest::new().with_zone_id(100003))
        .await
        .expect("listed");
    let ids: Vec<_> = listed
        .instance_set
        .iter()
        .filter_map(|i| i.un_instance_id.clone())
        .collect();
    assert_eq!(ids, ["ins-seed0002"]);
    assert_eq!(listed.instance_set[0].status, Some(4));
    let named = client
        .describe_instances(v2::DescribeInstancesRequest::new().with_search_word("web"))
        .await
        .expect("listed");
    assert_eq!(named.total_count, Some(2));
    // A legacy rename shows in the legacy listing.
    client
        .modify_instance_attributes(v2::ModifyInstanceAttributesRequest::new(
            "ins-seed0002",
            "legacy-db",
        ))
        .await
        .expect("renamed");
    let renamed = client
        .describe_instances(v2::DescribeInstancesRequest::new().with_search_word("legacy-db"))
        .await
        .expect("listed");
    assert_eq!(
        renamed.instance_set[0].un_instance_id.as_deref(),
        Some("ins-seed0002")
    );
    let group = client
        .create_security_group(v2::CreateSecurityGroupRequest::new().with_sg_name("legacy"))
        .await
        .expect("created")
        .data
        .and_then(|d| d.sg_id)
        .expect("an id");
    client
        .modify_security_groups_of_instance(v2::ModifySecurityGroupsOfInstanceRequest::new([
            v2::ModifySecurityGroupsOfInstanceInstance::new("ins-seed0003", [group.clone()]),
        ]))
        .await
        .expect("modified");
    let members = client
        .describe_instances_of_security_group(v2::DescribeInstancesOfSecurityGroupRequest::new(
            group.clone(),
        ))
        .await
        .expect("members");
    assert_eq!(members.total_count, Some(1));
    let busy = client
        .delete_security_group(v2::DeleteSecurityGroupRequest::new(group))
        .await
        .expect_err("in use");
    assert!(busy.as_api().is_some(), "{busy}");
    let key = client
        .create_key_pair(v2::CreateKeyPairRequest::new("legacy_key"))
        .await
        .expect("created")
        .data
        .and_then(|d| d.key_id)
        .expect("an id");
    // Only a stopped instance takes a key.
    let running = client
        .bind_instance_key(v2::BindInstanceKeyRequest::new(
            ["ins-seed0001"],
            key.clone(),
        ))
        .await
        .expect_err("running");
    assert_eq!(
        running.as_api().and_then(|a| a.code_desc.as_deref()),
        Some("UnsupportedOperation.InstanceStateRunning")
    );
    client
        .bind_instance_key(v2::BindInstanceKeyRequest::new(
            ["ins-seed0002"],
            key.clone(),
        ))
        .await
        .expect("bound");
    let keys = client
        .describe_key_pairs(v2::DescribeKeyPairsRequest::new().with_key_name("legacy"))
        .await
        .expect("keys")
        .data
        .expect("data");
    assert_eq!(
        keys.ssh_set[0].bind_un_instance_ids,
        vec!["ins-seed0002".to_owned()]
    );
    let zones = client
        .describe_availability_zones(
            v2::DescribeAvailabilityZonesRequest::new().with_zone_id(100002),
        )
        .await
        .expect("zones");
    assert_eq!(zones.zone_set[0].zone_name.as_deref(), Some("广州二区"));
}
