//! The world's behaviour without HTTP; the e2e tests go through the
//! generated clients.

use serde_json::{json, Value};

use super::*;

fn call(
    world: &mut CvmWorld,
    family: Family,
    action: &str,
    params: Value,
) -> Result<Value, String> {
    match world.handle(family, action, &params, "r") {
        Some(Outcome::Reply(body)) => Ok(body),
        Some(Outcome::Error(code, message)) => Err(format!("{code}: {message}")),
        None => Err("not handled".into()),
    }
}

fn v3(world: &mut CvmWorld, action: &str, params: Value) -> Value {
    match call(world, Family::Api3, action, params) {
        Ok(body) => body["Response"].clone(),
        Err(e) => panic!("{action}: {e}"),
    }
}

#[test]
fn run_describe_terminate() {
    let mut world = CvmWorld::seeded();
    let run = v3(&mut world, "RunInstances", json!({"InstanceCount": 2}));
    let ids: Vec<String> = serde_json::from_value(run["InstanceIdSet"].clone()).expect("ids");
    assert_eq!(ids.len(), 2);
    let state = |world: &mut CvmWorld| {
        v3(world, "DescribeInstances", json!({"InstanceIds": [ids[0]]}))["InstanceSet"][0]
            ["InstanceState"]
            .clone()
    };
    assert_eq!(state(&mut world), "PENDING");
    assert_eq!(state(&mut world), "RUNNING");
    v3(
        &mut world,
        "TerminateInstances",
        json!({"InstanceIds": [ids[0]]}),
    );
    assert_eq!(state(&mut world), "TERMINATING");
    assert_eq!(
        v3(&mut world, "DescribeInstances", json!({}))["TotalCount"],
        1
    );
    let again = call(
        &mut world,
        Family::Api3,
        "TerminateInstances",
        json!({"InstanceIds": [ids[0]]}),
    );
    assert!(again.is_err_and(|e| e.starts_with("InvalidInstanceId.NotFound")));
}

/// Legacy launches check `password` by the image's OS, with the code
/// both docs list: "InvalidParameter.PasswordNotConformSpecs | 密码不合规范".
#[test]
fn legacy_launches_check_the_password() {
    let mut world = CvmWorld::seeded();
    for action in ["RunInstancesHour", "RunInstances"] {
        let run = |world: &mut CvmWorld, password: &str| {
            call(
                world,
                Family::Api2,
                action,
                json!({
                    "goodsNum": "1", "zoneId": "100002", "imageId": "img-lkxqa4kj",
                    "cpu": "1", "mem": "1", "password": password,
                }),
            )
        };
        // Linux: 8 to 16 characters of two kinds.
        let refused = run(&mut world, "short1").expect_err("too short");
        assert!(
            refused.starts_with("InvalidParameter.PasswordNotConformSpecs"),
            "{refused}"
        );
        assert!(!refused.contains("short1"), "{refused}");
        let refused = run(&mut world, "onlyletters").expect_err("one kind");
        assert!(
            refused.starts_with("InvalidParameter.PasswordNotConformSpecs"),
            "{refused}"
        );
        run(&mut world, "Letters123").expect("two kinds");
    }
}

#[test]
fn legacy_run_and_return() {
    let mut world = CvmWorld::seeded();
    let run = call(&mut world, Family::Api2, "RunInstancesHour",
        json!({"goodsNum": "1", "zoneId": "100002", "imageId": "img-lkxqa4kj", "cpu": "1", "mem": "1"}))
        .expect("created");
    let id = run["unInstanceIds"][0].as_str().expect("an id").to_owned();
    let listed = call(&mut world, Family::Api2, "DescribeInstances", json!({})).expect("listed");
    assert_eq!(listed["instanceSet"][0]["status"], 3);
    assert_eq!(listed["instanceSet"][0]["zoneId"], 100002);
    assert_eq!(listed["instanceSet"][0]["zoneName"], "广州二区");
    call(
        &mut world,
        Family::Api2,
        "ReturnInstance",
        json!({"instanceId": id}),
    )
    .expect("returned");
    let listed = call(&mut world, Family::Api2, "DescribeInstances", json!({})).expect("listed");
    assert_eq!(listed["totalCount"], 0);
}

#[test]
fn run_checks_the_catalog() {
    let mut world = CvmWorld::seeded();
    let mut code = |params: Value| {
        call(&mut world, Family::Api3, "RunInstances", params)
            .err()
            .and_then(|e| e.split(':').next().map(str::to_owned))
    };
    assert_eq!(
        code(json!({"InstanceType": "X9.HUGE"})).as_deref(),
        Some("InvalidParameterValue.InstanceTypeNotFound")
    );
    assert_eq!(
        code(json!({"InstanceType": "S2.MEDIUM4", "Placement": {"Zone": "ap-beijing-3"}}))
            .as_deref(),
        Some("ResourceNotFound.InvalidZoneInstanceType")
    );
    assert_eq!(
        code(json!({"Placement": {"Zone": "ap-mars-1"}})).as_deref(),
        Some("InvalidZone.MismatchRegion")
    );
    assert_eq!(
        code(json!({"ImageId": "img-nope0000"})).as_deref(),
        Some("InvalidImageId.NotFound")
    );
    assert_eq!(
        code(json!({"SecurityGroupIds": ["sg-nope0000"]})).as_deref(),
        Some("InvalidSecurityGroupId.NotFound")
    );
    // RunInstances' error list has `InvalidParameterValue.KeyPairNotFound`,
    // as ResetInstance's does (not the key pair actions' `InvalidKeyPairId.NotFound`).
    assert_eq!(
        code(json!({"LoginSettings": {"KeyIds": ["skey-nope0000"]}})).as_deref(),
        Some("InvalidParameterValue.KeyPairNotFound")
    );
    assert_eq!(
        code(json!({"InstanceType": "S2.MEDIUM4", "Placement": {"Zone": "ap-guangzhou-2"}})),
        None
    );
}

#[test]
fn seeds_are_checked_and_located() {
    let bad = "{\n  \"Instances\": [\n    {\"InstanceId\": \"ins-seed0001\", \"Zone\": \"ap-guangzhou-2\",\n     \"InstanceType\": \"S9.NONE\", \"ImageId\": \"img-l8og963d\"}\n  ]\n}";
    let error = CvmWorld::seeded()
        .seed_json(bad, "seed.json")
        .expect_err("unknown type");
    assert_eq!((error.line, error.column), (3, 20));
    assert!(
        error.to_string().starts_with(
            "seed.json:3:20: Instances[0] (`ins-seed0001`): The instance type `S9.NONE`"
        ),
        "{error}"
    );
    let typo = "{\"Images\": [{\"ImageId\": \"img-1\", \"Platfrom\": \"x\"}]}";
    let error = CvmWorld::seeded()
        .seed_json(typo, "typo.json")
        .expect_err("unknown field");
    assert_eq!(error.line, 1);
    assert!(
        error.message.contains("unknown field `Platfrom`"),
        "{error}"
    );
}

/// The code of a refused call.
fn refused(world: &mut CvmWorld, family: Family, action: &str, params: Value) -> String {
    match call(world, family, action, params) {
        Err(e) => e.split(':').next().unwrap_or_default().to_owned(),
        Ok(body) => panic!("{action} succeeded: {body}"),
    }
}

fn instance(id: &str, state: &str, charge: &str) -> Instance {
    Instance {
        instance_id: id.into(),
        zone: "ap-guangzhou-2".into(),
        instance_type: "S2.MEDIUM4".into(),
        image_id: "img-l8og963d".into(),
        instance_state: state.into(),
        instance_charge_type: charge.into(),
        ..Instance::default()
    }
}

/// A world with one instance per `(id, state, charge type)`.
fn world_of(instances: &[(&str, &str, &str)]) -> CvmWorld {
    instances
        .iter()
        .try_fold(CvmWorld::seeded(), |w, (id, state, charge)| {
            w.instance(instance(id, state, charge))
        })
        .expect("a consistent world")
}

fn state(world: &mut CvmWorld, id: &str) -> Value {
    let reply = v3(world, "DescribeInstances", json!({"InstanceIds": [id]}));
    reply["InstanceSet"][0]["InstanceState"].clone()
}

#[test]
fn force_stop_binding_takes_running_or_stopped_and_restarts_running_ones() {
    let mut world = world_of(&[
        ("ins-run00001", "RUNNING", ""),
        ("ins-stop0001", "STOPPED", ""),
        ("ins-term0001", "TERMINATING", ""),
        ("ins-pend0001", "PENDING", ""),
    ])
    .key_pair(KeyPair::new("skey-00000001", "ops", "ssh-ed25519 AAAA ops"));
    for action in [
        "AssociateInstancesKeyPairs",
        "DisassociateInstancesKeyPairs",
    ] {
        let bind = |ids: &[&str]| json!({"InstanceIds": ids, "KeyIds": ["skey-00000001"], "ForceStop": true});
        v3(&mut world, action, bind(&["ins-run00001", "ins-stop0001"]));
        // Stopped, bound and started again; the stopped one stays stopped.
        assert_eq!(state(&mut world, "ins-run00001"), "STARTING", "{action}");
        assert_eq!(state(&mut world, "ins-run00001"), "RUNNING", "{action}");
        assert_eq!(state(&mut world, "ins-stop0001"), "STOPPED", "{action}");
        for (id, code) in [
            (
                "ins-term0001",
                "UnsupportedOperation.InstanceStateTerminating",
            ),
            ("ins-pend0001", "UnsupportedOperation.InstanceStatePending"),
        ] {
            assert_eq!(refused(&mut world, Family::Api3, action, bind(&[id])), code);
        }
    }
    let bound = &world.instances()[1];
    assert_eq!(bound.instance_id, "ins-run00001");
    assert!(bound.key_ids.is_empty(), "{bound:?}");
    // Still terminating: it never comes back.
    assert_eq!(state(&mut world, "ins-term0001"), "TERMINATING");
    // A query or form param carries the flag as text, in any case (the
    // Python SDK writes `True`; the docs ask for `TRUE`).
    for force in ["True", "TRUE", "true"] {
        let bind = json!({"InstanceIds": ["ins-run00001"], "KeyIds": ["skey-00000001"], "ForceStop": force});
        v3(&mut world, "AssociateInstancesKeyPairs", bind);
        assert_eq!(state(&mut world, "ins-run00001"), "STARTING", "{force}");
        assert_eq!(state(&mut world, "ins-run00001"), "RUNNING", "{force}");
    }
    let bind =
        json!({"InstanceIds": ["ins-run00001"], "KeyIds": ["skey-00000001"], "ForceStop": "False"});
    assert_eq!(
        refused(&mut world, Family::Api3, "AssociateInstancesKeyPairs", bind),
        "UnsupportedOperation.InstanceStateRunning"
    );
}

#[test]
fn legacy_key_binding_needs_a_stopped_instance() {
    let mut world = world_of(&[
        ("ins-run00001", "RUNNING", ""),
        ("ins-stop0001", "STOPPED", ""),
    ])
    .key_pair(KeyPair::new("skey-00000001", "ops", "ssh-ed25519 AAAA ops"));
    for action in ["BindInstanceKey", "UnBindInstanceKey"] {
        let on = |id: &str| json!({"instanceIds": [id], "keyId": "skey-00000001"});
        assert_eq!(
            refused(&mut world, Family::Api2, action, on("ins-run00001")),
            "UnsupportedOperation.InstanceStateRunning"
        );
        call(&mut world, Family::Api2, action, on("ins-stop0001")).expect(action);
    }
}

#[test]
fn bound_key_pairs_are_not_deleted() {
    let mut world = world_of(&[("ins-stop0001", "STOPPED", "")])
        .key_pair(KeyPair::new(
            "skey-00000001",
            "bound",
            "ssh-ed25519 AAAA bound",
        ))
        .key_pair(KeyPair::new(
            "skey-00000002",
            "free",
            "ssh-ed25519 AAAA free",
        ));
    let keys = json!({"InstanceIds": ["ins-stop0001"], "KeyIds": ["skey-00000001"]});
    v3(&mut world, "AssociateInstancesKeyPairs", keys.clone());
    // API 3.0 succeeds, deletes the free key and keeps the bound one, bound.
    let both = json!({"KeyIds": ["skey-00000002", "skey-00000001"]});
    v3(&mut world, "DeleteKeyPairs", both);
    let left = v3(&mut world, "DescribeKeyPairs", json!({}));
    assert_eq!(
        (
            left["TotalCount"].clone(),
            left["KeyPairSet"][0]["KeyId"].clone()
        ),
        (json!(1), json!("skey-00000001"))
    );
    assert_eq!(world.instances()[0].key_ids, ["skey-00000001"]);
    // The legacy API deletes the free key and reports the bound one.
    world = world.key_pair(KeyPair::new(
        "skey-00000002",
        "free",
        "ssh-ed25519 AAAA free",
    ));
    let reply = call(
        &mut world,
        Family::Api2,
        "DeleteKeyPair",
        json!({"keyIds": ["skey-00000001", "skey-00000002"]}),
    )
    .expect("a reply");
    let results = &reply["detail"]["deleteKeySet"];
    assert_eq!(
        (results[0]["keyId"].clone(), results[0]["code"].clone()),
        (json!("skey-00000001"), json!(5100))
    );
    assert!(
        results[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("ins-stop0001")),
        "{reply}"
    );
    assert_eq!(results[1]["code"], 0);
    assert_eq!(world.instances()[0].key_ids, ["skey-00000001"]);
    let left = v3(&mut world, "DescribeKeyPairs", json!({}));
    assert_eq!(left["KeyPairSet"][0]["KeyId"], "skey-00000001");
    assert_eq!(left["TotalCount"], 1);
    // Unbound, it goes.
    v3(&mut world, "DisassociateInstancesKeyPairs", keys);
    v3(
        &mut world,
        "DeleteKeyPairs",
        json!({"KeyIds": ["skey-00000001"]}),
    );
}

#[test]
fn prepaid_instances_go_to_the_recycle_bin_first() {
    let mut world = world_of(&[("ins-prep0001", "RUNNING", "PREPAID")]);
    let terminate = json!({"InstanceIds": ["ins-prep0001"]});
    v3(&mut world, "TerminateInstances", terminate.clone());
    assert_eq!(state(&mut world, "ins-prep0001"), "SHUTDOWN");
    assert_eq!(state(&mut world, "ins-prep0001"), "SHUTDOWN");
    for action in ["StartInstances", "StopInstances", "RebootInstances"] {
        assert_eq!(
            refused(&mut world, Family::Api3, action, terminate.clone()),
            "UnsupportedOperation.InstanceStateShutdown"
        );
    }
    let legacy = call(&mut world, Family::Api2, "DescribeInstances", json!({})).expect("listed");
    assert_eq!(legacy["instanceSet"][0]["status"], 5);
    // The second call destroys it.
    v3(&mut world, "TerminateInstances", terminate);
    assert_eq!(state(&mut world, "ins-prep0001"), "TERMINATING");
    assert_eq!(
        v3(&mut world, "DescribeInstances", json!({}))["TotalCount"],
        0
    );
}

#[test]
fn return_instance_takes_settled_unprotected_pay_as_you_go_instances_only() {
    let protected = Instance {
        disable_api_termination: true,
        ..instance("ins-prot0001", "RUNNING", "")
    };
    let mut world = world_of(&[
        ("ins-prep0001", "RUNNING", "PREPAID"),
        ("ins-stop0001", "STOPPING", ""),
        ("ins-hour0001", "STOPPED", ""),
    ])
    .instance(protected)
    .expect("consistent");
    let ret = |id: &str| json!({"instanceId": id});
    for id in ["ins-prep0001", "ins-stop0001", "ins-prot0001"] {
        assert_eq!(
            refused(&mut world, Family::Api2, "ReturnInstance", ret(id)),
            "OperationConstraints.InvaildInstanceStatus"
        );
    }
    call(
        &mut world,
        Family::Api2,
        "ReturnInstance",
        ret("ins-hour0001"),
    )
    .expect("returned");
    let left: Vec<String> = world
        .instances()
        .into_iter()
        .map(|i| i.instance_id)
        .collect();
    assert_eq!(left, ["ins-prep0001", "ins-prot0001", "ins-stop0001"]);
    // The refusal says why, in the legacy form.
    let reply = call(
        &mut world,
        Family::Api2,
        "ReturnInstance",
        ret("ins-prot0001"),
    );
    assert!(
        reply
            .as_ref()
            .is_err_and(|e| e.contains("termination protection")),
        "{reply:?}"
    );
    // Turned off (API 3.0), it goes.
    v3(
        &mut world,
        "ModifyInstancesAttribute",
        json!({"InstanceIds": ["ins-prot0001"], "DisableApiTermination": false}),
    );
    call(
        &mut world,
        Family::Api2,
        "ReturnInstance",
        ret("ins-prot0001"),
    )
    .expect("returned");
}

#[test]
fn instance_id_lists_are_required_and_capped() {
    let mut world = world_of(&[("ins-run00001", "RUNNING", "")]).key_pair(KeyPair::new(
        "skey-00000001",
        "ops",
        "ssh-ed25519 AAAA ops",
    ));
    let many: Vec<String> = (0..101).map(|n| format!("ins-{n:08}")).collect();
    for action in [
        "StartInstances",
        "StopInstances",
        "RebootInstances",
        "TerminateInstances",
        "AssociateInstancesKeyPairs",
        "DisassociateInstancesKeyPairs",
        "AssociateSecurityGroups",
        "DisassociateSecurityGroups",
    ] {
        let others = json!({"KeyIds": ["skey-00000001"], "SecurityGroupIds": ["sg-5df1nkg7"]});
        assert_eq!(
            refused(&mut world, Family::Api3, action, others.clone()),
            "MissingParameter",
            "{action}"
        );
        let mut empty = others.clone();
        empty["InstanceIds"] = json!([]);
        assert_eq!(
            refused(&mut world, Family::Api3, action, empty),
            "MissingParameter",
            "{action}"
        );
        let mut too_many = others;
        too_many["InstanceIds"] = json!(many);
        assert_eq!(
            refused(&mut world, Family::Api3, action, too_many),
            "InvalidParameterValue.LimitExceeded",
            "{action}"
        );
    }
    for action in ["DescribeInstances", "DescribeInstancesStatus"] {
        assert_eq!(
            refused(
                &mut world,
                Family::Api3,
                action,
                json!({"InstanceIds": many})
            ),
            "InvalidParameterValue.LimitExceeded"
        );
    }
    for action in ["AssociateInstancesKeyPairs", "DeleteKeyPairs"] {
        assert_eq!(
            refused(
                &mut world,
                Family::Api3,
                action,
                json!({"InstanceIds": ["ins-run00001"], "KeyIds": []})
            ),
            "MissingParameter"
        );
    }
    // One security group per call.
    let two = json!({"InstanceIds": ["ins-run00001"], "SecurityGroupIds": ["sg-5df1nkg7", "sg-2rbwpfz1"]});
    for action in ["AssociateSecurityGroups", "DisassociateSecurityGroups"] {
        assert_eq!(
            refused(&mut world, Family::Api3, action, two.clone()),
            "InvalidParameterValue.LimitExceeded"
        );
    }
    assert_eq!(
        world.instances()[0].security_group_ids,
        Vec::<String>::new()
    );
}

#[test]
fn instance_counts_out_of_range_are_refused() {
    let mut world = CvmWorld::seeded();
    for count in [json!(0), json!(501), json!(-1), json!("many")] {
        assert_eq!(
            refused(
                &mut world,
                Family::Api3,
                "RunInstances",
                json!({"InstanceCount": count})
            ),
            "InvalidParameterValue.Range",
            "{count}"
        );
    }
    let run = v3(&mut world, "RunInstances", json!({"InstanceCount": 500}));
    assert_eq!(run["InstanceIdSet"].as_array().map(Vec::len), Some(500));
    let legacy = json!({"zoneId": "100002", "imageId": "img-lkxqa4kj", "goodsNum": "101"});
    assert_eq!(
        refused(&mut world, Family::Api2, "RunInstancesHour", legacy),
        "InvalidParameterValue"
    );
}

#[test]
fn several_instances_get_their_own_names_and_ips() {
    let mut world = CvmWorld::seeded();
    let names = |world: &mut CvmWorld, params: Value| {
        let run = v3(world, "RunInstances", params);
        let ids = run["InstanceIdSet"].clone();
        let listed = v3(world, "DescribeInstances", json!({"InstanceIds": ids}));
        listed["InstanceSet"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| {
                format!(
                    "{} {}",
                    i["InstanceName"].as_str().unwrap_or("?"),
                    i["PrivateIpAddresses"][0].as_str().unwrap_or("?")
                )
            })
            .collect::<Vec<_>>()
    };
    let vpc = json!({"VpcId": "vpc-1", "SubnetId": "subnet-1", "PrivateIpAddresses": ["10.9.0.1", "10.9.0.2"]});
    assert_eq!(
        names(
            &mut world,
            json!({"InstanceCount": 2, "InstanceName": "web_", "VirtualPrivateCloud": vpc})
        ),
        ["web_1 10.9.0.1", "web_2 10.9.0.2"]
    );
    let named: Vec<String> = names(
        &mut world,
        json!({"InstanceCount": 2, "InstanceName": "s{R:9,F:3}-{R:99}-{R:x}"}),
    )
    .iter()
    .map(|n| n.split(' ').next().unwrap_or_default().to_owned())
    .collect();
    assert_eq!(named, ["s009-99-{R:x}", "s010-100-{R:x}"]);
    let one: Vec<String> = names(&mut world, json!({"InstanceName": "solo"}));
    assert!(one[0].starts_with("solo "), "{one:?}");
    let unnamed = names(&mut world, json!({"InstanceCount": 2}));
    assert!(
        unnamed.iter().all(|n| n.starts_with("未命名 ")),
        "{unnamed:?}"
    );
    let run = |ips: Value| json!({"InstanceCount": 2, "VirtualPrivateCloud": {"PrivateIpAddresses": ips}});
    assert_eq!(
        refused(
            &mut world,
            Family::Api3,
            "RunInstances",
            run(json!(["10.9.1.1"]))
        ),
        "InvalidParameterValue"
    );
    assert_eq!(
        refused(
            &mut world,
            Family::Api3,
            "RunInstances",
            run(json!(["10.9.0.1", "10.9.1.1"]))
        ),
        "VpcIpIsUsed"
    );
    assert_eq!(
        refused(
            &mut world,
            Family::Api3,
            "RunInstances",
            run(json!(["10.9.1.1", "10.9.1.1"]))
        ),
        "VpcIpIsUsed"
    );
}

/// RunInstances keeps HostName (with its patterns), DisableApiTermination
/// and CamRoleName, and checks HostName and LoginSettings with the rules
/// ResetInstance uses (the docs' text is the same).
#[test]
fn run_keeps_host_name_protection_and_role_and_checks_the_login() {
    let mut world =
        CvmWorld::seeded().key_pair(KeyPair::new("skey-00000001", "ops", "ssh-ed25519 AAAA ops"));
    let run = |world: &mut CvmWorld, params: Value| -> Vec<Value> {
        let ids = v3(world, "RunInstances", params)["InstanceIdSet"].clone();
        let listed = v3(world, "DescribeInstances", json!({"InstanceIds": ids}));
        listed["InstanceSet"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let host_names = |set: &[Value]| -> Vec<String> {
        set.iter()
            .map(|i| i["HostName"].as_str().unwrap_or("?").to_owned())
            .collect()
    };
    let one = run(
        &mut world,
        json!({"HostName": "web-01.internal", "DisableApiTermination": true,
            "CamRoleName": "CVM_QcsRole", "LoginSettings": {"Password": "Qcloud@TestApi123++"}}),
    );
    let i = &one[0];
    assert_eq!(
        (
            &i["HostName"],
            &i["DisableApiTermination"],
            &i["CamRoleName"]
        ),
        (
            &json!("web-01.internal"),
            &json!(true),
            &json!("CVM_QcsRole")
        )
    );
    let id = i["InstanceId"].clone();
    // Protected from its launch on.
    assert_eq!(
        refused(
            &mut world,
            Family::Api3,
            "TerminateInstances",
            json!({"InstanceIds": [id]})
        ),
        "UnsupportedOperation.InstancesProtected"
    );
    assert_eq!(
        refused(
            &mut world,
            Family::Api2,
            "ReturnInstance",
            json!({"instanceId": id})
        ),
        "OperationConstraints.InvaildInstanceStatus"
    );
    // Several: `{R:x}`, `{IP}`, or the suffixes 1..n.
    let numbered = run(
        &mut world,
        json!({"InstanceCount": 2, "HostName": "web-{R:7,F:2}"}),
    );
    assert_eq!(host_names(&numbered), ["web-07", "web-08"]);
    // The doc's examples: "输入 node-{IP}，实例主机名为 node-10.0.12.8"; "输入
    // web-{IP}-{R:1}，购买2台时，实例主机名分别为 web-10.0.12.8-1、web-10.0.12.9-2".
    let at = |ips: [&str; 2]| json!({"PrivateIpAddresses": ips});
    let by_ip = run(
        &mut world,
        json!({"InstanceCount": 2, "HostName": "node-{IP}",
            "VirtualPrivateCloud": at(["10.0.12.8", "10.0.12.9"])}),
    );
    assert_eq!(host_names(&by_ip), ["node-10.0.12.8", "node-10.0.12.9"]);
    let mixed = run(
        &mut world,
        json!({"InstanceCount": 2, "HostName": "web-{IP}-{R:1}",
            "VirtualPrivateCloud": at(["10.0.13.8", "10.0.13.9"])}),
    );
    assert_eq!(host_names(&mixed), ["web-10.0.13.8-1", "web-10.0.13.9-2"]);
    // Without PrivateIpAddresses, the IPs the world gives them.
    let given = run(
        &mut world,
        json!({"InstanceCount": 2, "HostName": "node-{IP}"}),
    );
    assert_eq!(host_names(&given), ["node-10.0.0.10", "node-10.0.0.11"]);
    let plain = run(&mut world, json!({"InstanceCount": 2, "HostName": "db"}));
    assert_eq!(host_names(&plain), ["db1", "db2"]);
    // Nothing given: the defaults.
    let i = &run(&mut world, json!({}))[0];
    assert_eq!(
        (&i["DisableApiTermination"], &i["CamRoleName"]),
        (&json!(false), &Value::Null)
    );
    assert!(
        i["HostName"].as_str().is_some_and(|h| h.starts_with("VM-")),
        "{i}"
    );
    let windows = json!("img-pmqg1cw7");
    let before = world.instances().len();
    for (params, expected) in [
        (
            json!({"HostName": "-web"}),
            "InvalidParameterValue.IllegalHostName",
        ),
        (
            json!({"HostName": "web_01"}),
            "InvalidParameterValue.IllegalHostName",
        ),
        // Windows host names have no dots, so no `{IP}` either.
        (
            json!({"ImageId": windows, "HostName": "win.local"}),
            "InvalidParameterValue.IllegalHostName",
        ),
        (
            json!({"ImageId": windows, "HostName": "win-{IP}"}),
            "InvalidParameterValue.IllegalHostName",
        ),
        (
            json!({"LoginSettings": {"Password": "short1"}}),
            "InvalidParameterValue.InvalidPassword",
        ),
        // LoginSettings' specials have no `_`, `<` or `>`.
        (
            json!({"LoginSettings": {"Password": "Qcloud_TestApi123"}}),
            "InvalidParameterValue.InvalidPassword",
        ),
        // Good for Linux, too short for Windows.
        (
            json!({"ImageId": windows, "LoginSettings": {"Password": "Linux123"}}),
            "InvalidParameterValue.InvalidPassword",
        ),
        (
            json!({"LoginSettings": {"Password": "Qcloud@TestApi123++", "KeyIds": ["skey-00000001"]}}),
            "InvalidParameter.ParameterConflict",
        ),
        (
            json!({"LoginSettings": {"KeyIds": ["skey-00000001"], "KeepImageLogin": "TRUE"}}),
            "InvalidParameter.ParameterConflict",
        ),
        // Checked before DryRun answers.
        (
            json!({"HostName": "a..b", "DryRun": true}),
            "InvalidParameterValue.IllegalHostName",
        ),
        (json!({"DryRun": "True"}), "DryRunOperation"),
    ] {
        assert_eq!(
            refused(&mut world, Family::Api3, "RunInstances", params.clone()),
            expected,
            "{params}"
        );
    }
    assert_eq!(
        world.instances().len(),
        before,
        "refused launches create nothing"
    );
    let reply = call(
        &mut world,
        Family::Api3,
        "RunInstances",
        json!({"LoginSettings": {"Password": "Qcloud_TestApi123"}}),
    );
    assert!(
        reply.is_err_and(|e| !e.contains("Qcloud_TestApi123")),
        "the password is not quoted"
    );
}

#[test]
fn legacy_parameter_checks() {
    let mut world = CvmWorld::seeded();
    assert_eq!(
        refused(&mut world, Family::Api2, "DescribeImages", json!({})),
        "MissingParameter"
    );
    let ids: Vec<String> = (0..11).map(|n| format!("img-{n:08}")).collect();
    assert_eq!(
        refused(
            &mut world,
            Family::Api2,
            "DescribeImages",
            json!({"imageType": "2", "imageIds": ids})
        ),
        "InvalidParameterValue"
    );
    let public = call(
        &mut world,
        Family::Api2,
        "DescribeImages",
        json!({"imageType": "2"}),
    )
    .expect("images");
    assert_eq!(public["totalCount"], 5);
    assert_eq!(
        refused(
            &mut world,
            Family::Api2,
            "DescribeSecurityGroupEx",
            json!({"offset": "0", "offsetLine": "1"})
        ),
        "InvalidParameter"
    );
    let page = call(
        &mut world,
        Family::Api2,
        "DescribeSecurityGroupEx",
        json!({"offsetLine": "1"}),
    )
    .expect("groups");
    assert_eq!(page["data"]["detail"].as_array().map(Vec::len), Some(1));
}

#[test]
fn actions_show_as_the_latest_operation() {
    let mut world = CvmWorld::seeded();
    let operation = |world: &mut CvmWorld, id: &Value| {
        let i = &v3(world, "DescribeInstances", json!({"InstanceIds": [id]}))["InstanceSet"][0];
        (
            i["LatestOperation"].clone(),
            i["LatestOperationState"].clone(),
            i["LatestOperationRequestId"].clone(),
        )
    };
    let ran = match world.handle(Family::Api3, "RunInstances", &json!({}), "req-run") {
        Some(Outcome::Reply(body)) => body["Response"]["InstanceIdSet"][0].clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        operation(&mut world, &ran),
        (json!("RunInstances"), json!("OPERATING"), json!("req-run"))
    );
    assert_eq!(
        operation(&mut world, &ran),
        (json!("RunInstances"), json!("SUCCESS"), json!("req-run"))
    );
    world.handle(
        Family::Api3,
        "StopInstances",
        &json!({"InstanceIds": [ran]}),
        "req-stop",
    );
    assert_eq!(
        operation(&mut world, &ran),
        (
            json!("StopInstances"),
            json!("OPERATING"),
            json!("req-stop")
        )
    );
    assert_eq!(
        operation(&mut world, &ran),
        (json!("StopInstances"), json!("SUCCESS"), json!("req-stop"))
    );
    // A refused call changes nothing.
    world.handle(
        Family::Api3,
        "StopInstances",
        &json!({"InstanceIds": [ran]}),
        "req-again",
    );
    assert_eq!(operation(&mut world, &ran).2, json!("req-stop"));
    world.set_launch_failure(true);
    let failing = v3(&mut world, "RunInstances", json!({}))["InstanceIdSet"][0].clone();
    operation(&mut world, &failing);
    assert_eq!(operation(&mut world, &failing).1, json!("FAILED"));
    // Seeded instances have none yet.
    let mut seeded = world_of(&[("ins-run00001", "RUNNING", "")]);
    assert_eq!(
        operation(&mut seeded, &json!("ins-run00001")).0,
        Value::Null
    );
}

/// The instance as DescribeInstances shows it (its state moves on).
fn shown(world: &mut CvmWorld, id: &str) -> Value {
    let reply = v3(world, "DescribeInstances", json!({"InstanceIds": [id]}));
    reply["InstanceSet"][0].clone()
}

/// State, LatestOperation and LatestOperationState.
fn progress(world: &mut CvmWorld, id: &str) -> (Value, Value, Value) {
    let i = shown(world, id);
    (
        i["InstanceState"].clone(),
        i["LatestOperation"].clone(),
        i["LatestOperationState"].clone(),
    )
}

/// Keys bind to Linux instances only, with the code AssociateInstancesKeyPairs
/// documents; unbinding is not refused.
#[test]
fn keys_do_not_bind_to_windows() {
    let mut world = world_of(&[("ins-stop0001", "STOPPED", "")])
        .instance(windows("ins-win00001", "STOPPED"))
        .expect("consistent")
        .key_pair(KeyPair::new("skey-00000001", "ops", "ssh-ed25519 AAAA ops"));
    let keys = |ids: &[&str]| json!({"InstanceIds": ids, "KeyIds": ["skey-00000001"]});
    assert_eq!(
        refused(
            &mut world,
            Family::Api3,
            "AssociateInstancesKeyPairs",
            keys(&["ins-stop0001", "ins-win00001"])
        ),
        "UnsupportedOperation.InstanceOsWindows"
    );
    // Nothing was bound to the Linux instance of the refused batch.
    assert_eq!(
        shown(&mut world, "ins-stop0001")["LoginSettings"]["KeyIds"],
        json!(null)
    );
    v3(
        &mut world,
        "DisassociateInstancesKeyPairs",
        keys(&["ins-win00001"]),
    );
}

fn windows(id: &str, state: &str) -> Instance {
    Instance {
        image_id: "img-pmqg1cw7".into(),
        ..instance(id, state, "")
    }
}

#[test]
fn reinstall_changes_image_disk_login_and_host_name() {
    let mut world = world_of(&[
        ("ins-run00001", "RUNNING", ""),
        ("ins-stop0001", "STOPPED", ""),
        ("ins-busy0001", "STOPPING", ""),
    ])
    .key_pair(KeyPair::new("skey-00000001", "ops", "ssh-ed25519 AAAA ops"));
    v3(
        &mut world,
        "AssociateInstancesKeyPairs",
        json!({"InstanceIds": ["ins-run00001"], "KeyIds": ["skey-00000001"], "ForceStop": true}),
    );
    progress(&mut world, "ins-run00001");
    let reinstall = json!({"InstanceId": "ins-run00001", "ImageId": "img-22trbn9x",
        "SystemDisk": {"DiskSize": 60}, "LoginSettings": {"Password": "Qcloud@TestApi123++"},
        "HostName": "web-01.internal"});
    let code = |world: &mut CvmWorld, change: Value| {
        let mut params = reinstall.clone();
        if let (Some(p), Value::Object(change)) = (params.as_object_mut(), change) {
            p.extend(change);
        }
        refused(world, Family::Api3, "ResetInstance", params)
    };
    for (change, expected) in [
        (
            json!({"InstanceId": "ins-nope0001"}),
            "InvalidInstanceId.NotFound",
        ),
        (json!({"InstanceId": ""}), "MissingParameter"),
        (
            json!({"InstanceId": "ins-busy0001"}),
            "UnsupportedOperation.InstanceStateStopping",
        ),
        (
            json!({"ImageId": "img-nope0000"}),
            "InvalidImageId.NotFound",
        ),
        (
            json!({"SystemDisk": {"DiskSize": 40}}),
            "InvalidParameterValue",
        ),
        (
            json!({"SystemDisk": {"DiskType": "CLOUD_SSD"}}),
            "InvalidParameterValue",
        ),
        (
            json!({"LoginSettings": {"Password": "Qcloud@TestApi123++", "KeyIds": ["skey-00000001"]}}),
            "InvalidParameter.ParameterConflict",
        ),
        (
            json!({"LoginSettings": {"KeyIds": ["skey-nope0000"]}}),
            "InvalidParameterValue.KeyPairNotFound",
        ),
        (
            json!({"ImageId": "img-pmqg1cw7", "LoginSettings": {"KeyIds": ["skey-00000001"]}}),
            "UnsupportedOperation.KeyPairUnsupportedWindows",
        ),
        (
            json!({"LoginSettings": {"Password": "short1"}}),
            "InvalidParameterValue.InvalidPassword",
        ),
        // Good for Linux, too short for Windows.
        (
            json!({"ImageId": "img-pmqg1cw7", "LoginSettings": {"Password": "Linux123"}, "HostName": "web-01"}),
            "InvalidParameterValue.InvalidPassword",
        ),
        (
            json!({"HostName": "-web"}),
            "InvalidParameterValue.IllegalHostName",
        ),
    ] {
        assert_eq!(code(&mut world, change.clone()), expected, "{change}");
    }
    // Refused calls changed nothing.
    assert_eq!(world.instances()[1].image_id, "img-l8og963d");
    v3(&mut world, "ResetInstance", reinstall);
    let i = shown(&mut world, "ins-run00001");
    assert_eq!(
        (
            &i["InstanceState"],
            &i["LatestOperation"],
            &i["LatestOperationState"]
        ),
        (
            &json!("STARTING"),
            &json!("ResetInstance"),
            &json!("OPERATING")
        )
    );
    assert_eq!(i["ImageId"], "img-22trbn9x");
    assert_eq!(i["OsName"], "Ubuntu Server 22.04 LTS 64位");
    assert_eq!(i["SystemDisk"]["DiskSize"], 60);
    assert_eq!(i["HostName"], "web-01.internal");
    // The system disk was formatted: the key login is gone.
    assert_eq!(i["LoginSettings"]["KeyIds"], Value::Null);
    assert_eq!(
        progress(&mut world, "ins-run00001"),
        (json!("RUNNING"), json!("ResetInstance"), json!("SUCCESS"))
    );
    // A stopped instance stays stopped; without ImageId the image stays.
    v3(
        &mut world,
        "ResetInstance",
        json!({"InstanceId": "ins-stop0001", "LoginSettings": {"KeyIds": ["skey-00000001"]}}),
    );
    let i = shown(&mut world, "ins-stop0001");
    assert_eq!(
        (
            &i["InstanceState"],
            &i["LatestOperationState"],
            &i["ImageId"]
        ),
        (&json!("STOPPED"), &json!("SUCCESS"), &json!("img-l8og963d"))
    );
    assert_eq!(i["LoginSettings"]["KeyIds"], json!(["skey-00000001"]));
}

#[test]
fn resize_takes_a_running_or_stopped_instance_to_a_type_its_zone_sells_and_runs_it() {
    let mut sold_out = InstanceType::new("S2.HUGE16", 8, 16, &["ap-guangzhou-2"]);
    sold_out.status = "SOLD_OUT".into();
    let mut world = world_of(&[
        ("ins-run00001", "RUNNING", ""),
        ("ins-stop0001", "STOPPED", ""),
        ("ins-busy0001", "STOPPING", ""),
        ("ins-run00002", "RUNNING", ""),
    ])
    .instance_type(sold_out);
    let resize = |id: &str, to: &str| json!({"InstanceIds": [id], "InstanceType": to});
    for (params, expected) in [
        (
            resize("ins-busy0001", "S2.LARGE8"),
            "UnsupportedOperation.InstanceStateStopping",
        ),
        (
            resize("ins-stop0001", "X9.HUGE"),
            "InvalidParameterValue.InstanceTypeNotFound",
        ),
        // S5 is not sold in ap-guangzhou-2.
        (
            resize("ins-stop0001", "S5.LARGE8"),
            "ResourceNotFound.InvalidZoneInstanceType",
        ),
        (
            resize("ins-stop0001", "S2.HUGE16"),
            "ResourcesSoldOut.SpecifiedInstanceType",
        ),
        (
            resize("ins-nope0001", "S2.LARGE8"),
            "InvalidInstanceId.NotFound",
        ),
        (json!({"InstanceIds": ["ins-stop0001"]}), "MissingParameter"),
        (json!({"InstanceType": "S2.LARGE8"}), "MissingParameter"),
        // "本接口目前仅支持每次操作1个实例".
        (
            json!({"InstanceIds": ["ins-stop0001", "ins-run00001"], "InstanceType": "S2.LARGE8"}),
            "InvalidParameterValue.LimitExceeded",
        ),
    ] {
        assert_eq!(
            refused(
                &mut world,
                Family::Api3,
                "ResetInstancesType",
                params.clone()
            ),
            expected,
            "{params}"
        );
    }
    assert!(
        world
            .instances()
            .iter()
            .all(|i| i.instance_type == "S2.MEDIUM4"),
        "refused calls change nothing"
    );
    v3(
        &mut world,
        "ResetInstancesType",
        resize("ins-stop0001", "S2.LARGE8"),
    );
    let i = shown(&mut world, "ins-stop0001");
    assert_eq!(
        (&i["InstanceType"], &i["CPU"], &i["Memory"]),
        (&json!("S2.LARGE8"), &json!(4), &json!(8))
    );
    assert_eq!(
        (&i["InstanceState"], &i["LatestOperationState"]),
        (&json!("STARTING"), &json!("OPERATING"))
    );
    // "完成实例配置调整后，实例将自动显示为运行中".
    assert_eq!(
        progress(&mut world, "ins-stop0001"),
        (
            json!("RUNNING"),
            json!("ResetInstancesType"),
            json!("SUCCESS")
        )
    );
    // A running one is shut down normally, resized and started again,
    // without ForceStop (which only decides whether a failed shutdown is
    // forced) and with it.
    let mut forced = resize("ins-run00002", "S2.SMALL2");
    forced["ForceStop"] = json!(true);
    for (id, params) in [
        ("ins-run00001", resize("ins-run00001", "S2.SMALL2")),
        ("ins-run00002", forced),
    ] {
        v3(&mut world, "ResetInstancesType", params);
        assert_eq!(progress(&mut world, id).0, "STARTING", "{id}");
        let i = shown(&mut world, id);
        assert_eq!(
            (
                &i["InstanceState"],
                &i["InstanceType"],
                &i["CPU"],
                &i["Memory"]
            ),
            (&json!("RUNNING"), &json!("S2.SMALL2"), &json!(1), &json!(2)),
            "{id}"
        );
    }
}

#[test]
fn modify_attributes_changes_one_attribute_for_a_batch() {
    let mut world = world_of(&[
        ("ins-run00001", "RUNNING", ""),
        ("ins-stop0001", "STOPPED", ""),
        ("ins-busy0001", "REBOOTING", ""),
    ])
    .instance(windows("ins-win00001", "RUNNING"))
    .expect("consistent");
    for n in 1..=4 {
        let id = format!("sg-extra00{n}");
        world = world.security_group(SecurityGroup::new(&id, &id, ""));
    }
    let both = ["ins-run00001", "ins-stop0001"];
    let modify = |extra: Value| {
        let mut params = json!({"InstanceIds": both});
        if let (Some(p), Value::Object(extra)) = (params.as_object_mut(), extra) {
            p.extend(extra);
        }
        params
    };
    let many: Vec<String> = (0..101).map(|n| format!("ins-{n:08}")).collect();
    for (params, expected) in [
        (json!({"InstanceName": "x"}), "MissingParameter"),
        (
            json!({"InstanceIds": [], "InstanceName": "x"}),
            "MissingParameter",
        ),
        (
            json!({"InstanceIds": many, "InstanceName": "x"}),
            "InvalidParameterValue.LimitExceeded",
        ),
        (modify(json!({})), "MissingParameter"),
        (
            modify(json!({"InstanceName": "db", "SecurityGroups": ["sg-2rbwpfz1"]})),
            "InvalidParameter",
        ),
        (
            modify(json!({"InstanceName": "n".repeat(61)})),
            "InvalidInstanceName.TooLong",
        ),
        (
            json!({"InstanceIds": ["ins-busy0001"], "InstanceName": "x"}),
            "UnsupportedOperation.InstanceStateRebooting",
        ),
        (
            json!({"InstanceIds": ["ins-nope0001"], "InstanceName": "x"}),
            "InvalidInstanceId.NotFound",
        ),
        (
            modify(json!({"SecurityGroups": ["sg-nope0000"]})),
            "InvalidSecurityGroupId.NotFound",
        ),
        (
            modify(
                json!({"SecurityGroups": ["sg-5df1nkg7", "sg-2rbwpfz1", "sg-extra001",
                "sg-extra002", "sg-extra003", "sg-extra004"]}),
            ),
            "LimitExceeded.AssociateUSGLimitExceeded",
        ),
        (
            modify(json!({"HostName": "a..b"})),
            "InvalidParameterValue.IllegalHostName",
        ),
        // Windows host names have no dots.
        (
            json!({"InstanceIds": ["ins-win00001"], "HostName": "win.local"}),
            "InvalidParameterValue.IllegalHostName",
        ),
    ] {
        assert_eq!(
            refused(
                &mut world,
                Family::Api3,
                "ModifyInstancesAttribute",
                params.clone()
            ),
            expected,
            "{params}"
        );
    }
    // Names: shown, filterable, recorded.
    v3(
        &mut world,
        "ModifyInstancesAttribute",
        modify(json!({"InstanceName": "数据库".repeat(20)})),
    );
    let named = v3(
        &mut world,
        "DescribeInstances",
        json!({"Filters": [{"Name": "instance-name", "Values": ["数据库".repeat(20)]}]}),
    );
    assert_eq!(named["TotalCount"], 2);
    assert_eq!(
        progress(&mut world, "ins-stop0001"),
        (
            json!("STOPPED"),
            json!("ModifyInstancesAttribute"),
            json!("SUCCESS")
        )
    );
    // Security groups: the list replaces the old ones.
    v3(
        &mut world,
        "AssociateSecurityGroups",
        json!({"InstanceIds": both, "SecurityGroupIds": ["sg-5df1nkg7"]}),
    );
    v3(
        &mut world,
        "ModifyInstancesAttribute",
        modify(json!({"SecurityGroups": ["sg-2rbwpfz1", "sg-extra001"]})),
    );
    assert_eq!(
        shown(&mut world, "ins-run00001")["SecurityGroupIds"],
        json!(["sg-2rbwpfz1", "sg-extra001"])
    );
    let old = v3(
        &mut world,
        "DescribeInstances",
        json!({"Filters": [{"Name": "security-group-id", "Values": ["sg-5df1nkg7"]}]}),
    );
    assert_eq!(old["TotalCount"], 0);
    // A new host name reboots a running instance, unless AutoReboot is false.
    v3(
        &mut world,
        "ModifyInstancesAttribute",
        modify(json!({"HostName": "db-1.lan"})),
    );
    assert_eq!(progress(&mut world, "ins-run00001").0, "REBOOTING");
    let i = shown(&mut world, "ins-run00001");
    assert_eq!(
        (&i["InstanceState"], &i["HostName"]),
        (&json!("RUNNING"), &json!("db-1.lan"))
    );
    assert_eq!(
        shown(&mut world, "ins-stop0001")["InstanceState"],
        "STOPPED"
    );
    v3(
        &mut world,
        "ModifyInstancesAttribute",
        modify(json!({"HostName": "db-2", "AutoReboot": false})),
    );
    assert_eq!(progress(&mut world, "ins-run00001").0, "RUNNING");
    // A CAM role binds, and an empty one unbinds.
    v3(
        &mut world,
        "ModifyInstancesAttribute",
        modify(json!({"CamRoleName": "CVM_QcsRole"})),
    );
    assert_eq!(
        shown(&mut world, "ins-run00001")["CamRoleName"],
        "CVM_QcsRole"
    );
    v3(
        &mut world,
        "ModifyInstancesAttribute",
        modify(json!({"CamRoleName": ""})),
    );
    assert_eq!(
        shown(&mut world, "ins-run00001")["CamRoleName"],
        Value::Null
    );
    // Termination protection holds off TerminateInstances.
    v3(
        &mut world,
        "ModifyInstancesAttribute",
        modify(json!({"DisableApiTermination": true})),
    );
    assert_eq!(
        shown(&mut world, "ins-run00001")["DisableApiTermination"],
        true
    );
    let terminate = json!({"InstanceIds": ["ins-run00001"]});
    assert_eq!(
        refused(
            &mut world,
            Family::Api3,
            "TerminateInstances",
            terminate.clone()
        ),
        "UnsupportedOperation.InstancesProtected"
    );
    v3(
        &mut world,
        "ModifyInstancesAttribute",
        modify(json!({"DisableApiTermination": false})),
    );
    v3(&mut world, "TerminateInstances", terminate);
}

#[test]
fn password_reset_checks_state_and_rules_and_keeps_no_password() {
    const SECRET: &str = "Mock-Secret#2024";
    let mut world = world_of(&[
        ("ins-run00001", "RUNNING", ""),
        ("ins-stop0001", "STOPPED", ""),
        ("ins-stop0002", "STOPPED", ""),
    ])
    .instance(windows("ins-win00001", "STOPPED"))
    .expect("consistent");
    let reset = |ids: &[&str], password: &str| json!({"InstanceIds": ids, "Password": password});
    let mut seen = Vec::new();
    for (params, expected) in [
        (
            reset(&["ins-run00001"], SECRET),
            "UnsupportedOperation.InstanceStateRunning",
        ),
        (
            reset(&["ins-nope0001"], SECRET),
            "InvalidInstanceId.NotFound",
        ),
        (json!({"InstanceIds": ["ins-stop0001"]}), "MissingParameter"),
        (json!({"Password": SECRET}), "MissingParameter"),
        (
            reset(&["ins-stop0001"], "Ab1!"),
            "InvalidParameterValue.InvalidPassword",
        ),
        (
            reset(&["ins-stop0001"], "/Secret#2024"),
            "InvalidParameterValue.InvalidPassword",
        ),
        // Two kinds of character: Linux needs three.
        (
            reset(&["ins-stop0001"], "secret2024"),
            "InvalidParameterValue.InvalidPassword",
        ),
        (
            reset(&["ins-stop0001"], "Secret 2024!"),
            "InvalidParameterValue.InvalidPassword",
        ),
        // Linux allows 11 characters; a batch with Windows needs 12.
        (
            reset(&["ins-stop0001", "ins-win00001"], "Secret#2024"),
            "InvalidParameterValue.InvalidPassword",
        ),
        // Windows passwords do not contain the user name.
        (
            reset(&["ins-win00001"], "Administrator#1"),
            "InvalidParameterValue.InvalidPassword",
        ),
        (
            json!({"InstanceIds": ["ins-stop0001"], "Password": SECRET, "UserName": "u".repeat(65)}),
            "InvalidParameterValue.TooLong",
        ),
    ] {
        match call(
            &mut world,
            Family::Api3,
            "ResetInstancesPassword",
            params.clone(),
        ) {
            Err(e) => {
                assert!(e.starts_with(&format!("{expected}:")), "{params}: {e}");
                seen.push(e);
            }
            Ok(body) => panic!("{params} succeeded: {body}"),
        }
    }
    v3(
        &mut world,
        "ResetInstancesPassword",
        reset(&["ins-stop0001"], "Secret#2024"),
    );
    // ForceStop: the running one is stopped, reset and started again.
    let mut forced = reset(&["ins-run00001", "ins-stop0002"], SECRET);
    forced["ForceStop"] = json!(true);
    let reply = v3(&mut world, "ResetInstancesPassword", forced);
    seen.push(reply.to_string());
    assert_eq!(
        progress(&mut world, "ins-run00001"),
        (
            json!("STARTING"),
            json!("ResetInstancesPassword"),
            json!("OPERATING")
        )
    );
    assert_eq!(
        progress(&mut world, "ins-run00001"),
        (
            json!("RUNNING"),
            json!("ResetInstancesPassword"),
            json!("SUCCESS")
        )
    );
    assert_eq!(
        progress(&mut world, "ins-stop0002"),
        (
            json!("STOPPED"),
            json!("ResetInstancesPassword"),
            json!("SUCCESS")
        )
    );
    seen.push(v3(&mut world, "DescribeInstances", json!({})).to_string());
    seen.push(format!("{world:?}"));
    for text in seen {
        assert!(
            !text.contains(SECRET) && !text.contains("Secret#2024"),
            "{text}"
        );
    }
}

#[test]
fn terminate_batches_share_one_charge_type() {
    let mut world = world_of(&[
        ("ins-hour0001", "RUNNING", "POSTPAID_BY_HOUR"),
        ("ins-hour0002", "STOPPED", ""),
        ("ins-prep0001", "RUNNING", "PREPAID"),
    ]);
    assert_eq!(
        refused(
            &mut world,
            Family::Api3,
            "TerminateInstances",
            json!({"InstanceIds": ["ins-hour0001", "ins-prep0001"]})
        ),
        "UnsupportedOperation.InstanceMixedPricingModel"
    );
    assert_eq!(state(&mut world, "ins-hour0001"), "RUNNING");
    assert_eq!(state(&mut world, "ins-prep0001"), "RUNNING");
    // Not found comes first.
    assert_eq!(
        refused(
            &mut world,
            Family::Api3,
            "TerminateInstances",
            json!({"InstanceIds": ["ins-hour0001", "ins-nope0001", "ins-prep0001"]})
        ),
        "InvalidInstanceId.NotFound"
    );
    v3(
        &mut world,
        "TerminateInstances",
        json!({"InstanceIds": ["ins-hour0001", "ins-hour0002"]}),
    );
    v3(
        &mut world,
        "TerminateInstances",
        json!({"InstanceIds": ["ins-prep0001"]}),
    );
    assert_eq!(state(&mut world, "ins-prep0001"), "SHUTDOWN");
}

#[test]
fn legacy_rename_reinstall_and_password_reset() {
    let mut world = world_of(&[
        ("ins-run00001", "RUNNING", ""),
        ("ins-stop0001", "STOPPED", ""),
        ("ins-busy0001", "STARTING", ""),
    ]);
    let legacy = |world: &mut CvmWorld, action: &str, params: Value| {
        call(world, Family::Api2, action, params).unwrap_or_else(|e| panic!("{action}: {e}"))
    };
    // Rename.
    legacy(
        &mut world,
        "ModifyInstanceAttributes",
        json!({"instanceId": "ins-run00001", "instanceName": "legacy-web"}),
    );
    let listed = legacy(
        &mut world,
        "DescribeInstances",
        json!({"searchWord": "legacy"}),
    );
    assert_eq!(listed["instanceSet"][0]["instanceName"], "legacy-web");
    assert_eq!(
        shown(&mut world, "ins-run00001")["InstanceName"],
        "legacy-web"
    );
    for (action, params, expected) in [
        (
            "ModifyInstanceAttributes",
            json!({"instanceId": "ins-run00001", "instanceName": "n".repeat(61)}),
            "InvalidParameterValue",
        ),
        (
            "ModifyInstanceAttributes",
            json!({"instanceId": "ins-busy0001", "instanceName": "x"}),
            "OperationConstraints.InvaildInstanceStatus",
        ),
        (
            "ModifyInstanceAttributes",
            json!({"instanceId": "ins-nope0001", "instanceName": "x"}),
            "InvalidInstanceId.NotFound",
        ),
        // "只有处于关机状态的实例才允许执行重置密码操作".
        (
            "ResetInstancePassword",
            json!({"instanceIds": ["ins-run00001"], "password": "abcd1234"}),
            "OperationConstraints.InvaildInstanceStatus",
        ),
        // Legacy Linux: 8 to 16, letters count as one kind.
        (
            "ResetInstancePassword",
            json!({"instanceIds": ["ins-stop0001"], "password": "abcdEFGH"}),
            "InvalidParameterValue",
        ),
        (
            "ResetInstancePassword",
            json!({"instanceIds": ["ins-stop0001"], "password": "abcd1234abcd12345"}),
            "InvalidParameterValue",
        ),
        (
            "ResetInstances",
            json!({"instanceId": "ins-busy0001"}),
            "OperationConstraints.InvaildInstanceStatus",
        ),
        (
            "ResetInstances",
            json!({"instanceId": "ins-run00001", "imageId": "img-22trbn9x", "imageType": 1}),
            "InvalidParameterValue",
        ),
        (
            "ResetInstances",
            json!({"instanceId": "ins-run00001", "rootSize": 20}),
            "InvalidParameterValue",
        ),
    ] {
        assert_eq!(
            refused(&mut world, Family::Api2, action, params.clone()),
            expected,
            "{action} {params}"
        );
    }
    let reset = legacy(
        &mut world,
        "ResetInstancePassword",
        json!({"instanceIds": ["ins-stop0001"], "password": "abcd1234"}),
    );
    assert_eq!(reset["detail"]["ins-stop0001"]["code"], 0);
    assert!(!reset.to_string().contains("abcd1234"), "{reset}");
    let reinstall = legacy(
        &mut world,
        "ResetInstances",
        json!({"instanceId": "ins-run00001", "imageId": "img-22trbn9x", "imageType": 2, "rootSize": 80}),
    );
    assert!(reinstall["requestId"].is_number(), "{reinstall}");
    let listed = legacy(
        &mut world,
        "DescribeInstances",
        json!({"instanceIds": ["ins-run00001"]}),
    );
    let i = &listed["instanceSet"][0];
    assert_eq!(
        (&i["unImgId"], &i["diskInfo"]["rootSize"]),
        (&json!("img-22trbn9x"), &json!(80))
    );
    // Shown STARTING once (status 8), then RUNNING.
    assert_eq!(i["status"], 8);
    assert_eq!(state(&mut world, "ins-run00001"), "RUNNING");
}

#[test]
fn password_and_host_name_rules() {
    use super::login::{
        check_host_name, check_password, LEGACY_LINUX, LEGACY_WINDOWS, LOGIN_LINUX, LOGIN_WINDOWS,
        RESET_LINUX, RESET_WINDOWS,
    };
    let ok = |p: &str| check_password(p, &LOGIN_LINUX, "", "X").is_ok();
    // LoginSettings on Linux: 8 to 30, two kinds.
    assert!(ok("abcdEFGH"));
    assert!(ok("abcd1234"));
    assert!(!ok("abcdefgh"));
    assert!(!ok("aB1!"));
    assert!(!ok(&"aB1!".repeat(8)));
    assert!(!ok("abcd 1234"));
    // Each rule has its doc's specials.
    let with = |p: &str, rule| check_password(p, rule, "", "X").is_ok();
    for (special, login, reset, legacy_linux, legacy_windows) in [
        ('#', true, true, true, true),
        ('|', true, true, true, false),
        ('_', false, true, false, false),
        ('<', false, true, false, false),
        ('>', false, true, false, false),
        (' ', false, false, false, false),
    ] {
        let password = format!("Abcd1234{special}xyZ");
        assert_eq!(
            (
                with(&password, &LOGIN_LINUX),
                with(&password, &LOGIN_WINDOWS),
                with(&password, &RESET_LINUX),
                with(&password, &RESET_WINDOWS),
                with(&password, &LEGACY_LINUX),
                with(&password, &LEGACY_WINDOWS),
            ),
            (login, login, reset, reset, legacy_linux, legacy_windows),
            "{special:?}"
        );
    }
    let windows = |p: &str, user: &str| check_password(p, &RESET_WINDOWS, user, "X").is_ok();
    assert!(windows("Secret#20245", "Administrator"));
    assert!(!windows("ops-Secret#20245", "ops"));
    assert!(!windows("Secret#2024", "Administrator"));
    for (name, on_windows, valid) in [
        ("web-01", false, true),
        ("web.01.internal", false, true),
        ("w", false, false),
        (".web", false, false),
        ("web-", false, false),
        ("web.-01", false, false),
        ("web_01", false, false),
        (&"a".repeat(60), false, true),
        (&"a".repeat(61), false, false),
        ("win-01", true, true),
        ("win.01", true, false),
        ("12345", true, false),
        ("a23456789012345", true, true),
        ("a234567890123456", true, false),
    ] {
        assert_eq!(
            check_host_name(name, on_windows).is_ok(),
            valid,
            "{name} {on_windows}"
        );
    }
}

/// The system disk type and data disk types of an instance, as shown.
fn disk_types(world: &mut CvmWorld, id: &str) -> (Value, Vec<Value>) {
    let i = shown(world, id);
    let data = i["DataDisks"]
        .as_array()
        .map(|disks| disks.iter().map(|d| d["DiskType"].clone()).collect())
        .unwrap_or_default();
    (i["SystemDisk"]["DiskType"].clone(), data)
}

/// Instances keep the disk types they were launched or seeded with, and a
/// reinstall may name its own system disk type but no other: "重装只支持修改
/// 系统盘的大小，不能修改系统盘的类型".
#[test]
fn disks_keep_their_types_and_a_reinstall_keeps_the_system_disk_type() {
    let bssd = Instance {
        system_disk_type: "CLOUD_BSSD".into(),
        data_disk_sizes: vec![100, 200],
        data_disk_types: vec!["CLOUD_HSSD".into()],
        ..instance("ins-bssd0001", "STOPPED", "")
    };
    let mut world = CvmWorld::seeded().instance(bssd).expect("consistent");
    assert_eq!(
        disk_types(&mut world, "ins-bssd0001"),
        (
            json!("CLOUD_BSSD"),
            vec![json!("CLOUD_HSSD"), json!("CLOUD_PREMIUM")]
        )
    );
    let launch = json!({"SystemDisk": {"DiskType": "CLOUD_SSD", "DiskSize": 60},
        "DataDisks": [{"DiskSize": 100, "DiskType": "CLOUD_TSSD"}, {"DiskSize": 200}]});
    let ran = v3(&mut world, "RunInstances", launch)["InstanceIdSet"][0].clone();
    let id = ran.as_str().expect("an id");
    assert_eq!(
        disk_types(&mut world, id),
        (
            json!("CLOUD_SSD"),
            vec![json!("CLOUD_TSSD"), json!("CLOUD_PREMIUM")]
        )
    );
    let plain = v3(&mut world, "RunInstances", json!({}))["InstanceIdSet"][0].clone();
    assert_eq!(
        disk_types(&mut world, plain.as_str().expect("an id")),
        (json!("CLOUD_PREMIUM"), vec![])
    );
    // Only the instance's own type: the world's default is no exception.
    for kind in ["CLOUD_PREMIUM", "CLOUD_BSSD", "CLOUD_NOPE"] {
        let reinstall = json!({"InstanceId": id, "SystemDisk": {"DiskType": kind}});
        let (code, message) = call(&mut world, Family::Api3, "ResetInstance", reinstall)
            .expect_err("another type")
            .split_once(": ")
            .map(|(c, m)| (c.to_owned(), m.to_owned()))
            .unwrap_or_default();
        assert_eq!(code, "InvalidParameterValue", "{kind}");
        assert!(message.contains("CLOUD_SSD"), "{message}");
    }
    v3(
        &mut world,
        "ResetInstance",
        json!({"InstanceId": id, "SystemDisk": {"DiskType": "CLOUD_SSD", "DiskSize": 80}}),
    );
    let i = shown(&mut world, id);
    assert_eq!(
        (&i["SystemDisk"]["DiskType"], &i["SystemDisk"]["DiskSize"]),
        (&json!("CLOUD_SSD"), &json!(80))
    );
    v3(
        &mut world,
        "ResetInstance",
        json!({"InstanceId": "ins-bssd0001", "SystemDisk": {"DiskType": "CLOUD_BSSD"}}),
    );
    // RunInstances takes the documented values only; LOCAL_NVME and
    // LOCAL_PRO are documented for data disks as "不支持指定".
    let before = world.instances().len();
    for params in [
        json!({"SystemDisk": {"DiskType": "CLOUD_NOPE"}}),
        json!({"SystemDisk": {"DiskType": "cloud_ssd"}}),
        json!({"SystemDisk": {"DiskType": "LOCAL_NVME"}}),
        json!({"DataDisks": [{"DiskSize": 100}, {"DiskSize": 100, "DiskType": "LOCAL_NVME"}]}),
        json!({"DataDisks": [{"DiskSize": 100, "DiskType": "LOCAL_PRO"}]}),
    ] {
        assert_eq!(
            refused(&mut world, Family::Api3, "RunInstances", params.clone()),
            "InvalidParameterValue",
            "{params}"
        );
    }
    assert_eq!(world.instances().len(), before);
    // Seeds are checked the same way.
    let bad_type = Instance {
        system_disk_type: "SSD".into(),
        ..instance("ins-bad00001", "RUNNING", "")
    };
    assert!(CvmWorld::seeded()
        .instance(bad_type)
        .is_err_and(|e| e.contains("SystemDiskType")));
    let too_many = Instance {
        data_disk_types: vec!["CLOUD_SSD".into()],
        ..instance("ins-bad00002", "RUNNING", "")
    };
    assert!(CvmWorld::seeded()
        .instance(too_many)
        .is_err_and(|e| e.contains("DataDiskTypes")));
}

/// KeepImageLogin: "只有使用自定义镜像、共享镜像或外部导入镜像创建实例时才能指定该参数为true",
/// in the LoginSettings RunInstances and ResetInstance share.
#[test]
fn keep_image_login_needs_a_custom_shared_or_imported_image() {
    let of_type = |id: &str, image_type: &str| Image {
        image_type: image_type.into(),
        ..Image::public(id, "ops base", "CentOS")
    };
    let mut world = world_of(&[("ins-stop0001", "STOPPED", "")])
        .image(of_type("img-custom01", "PRIVATE_IMAGE"))
        .image(of_type("img-shared01", "SHARED_IMAGE"));
    let keep = |image: Option<&str>, on: Value| {
        let mut params = json!({"LoginSettings": {"KeepImageLogin": on}});
        if let Some(image) = image {
            params["ImageId"] = json!(image);
        }
        params
    };
    let reinstall = |params: Value| {
        let mut params = params;
        params["InstanceId"] = json!("ins-stop0001");
        params
    };
    for (action, params) in [
        ("RunInstances", keep(None, json!(true))),
        ("RunInstances", keep(Some("img-22trbn9x"), json!("TRUE"))),
        // Without ImageId, the instance's public image is reinstalled.
        ("ResetInstance", reinstall(keep(None, json!(true)))),
        (
            "ResetInstance",
            reinstall(keep(Some("img-pmqg1cw7"), json!("true"))),
        ),
    ] {
        let refusal =
            call(&mut world, Family::Api3, action, params.clone()).expect_err("a public image");
        assert!(
            refusal.starts_with("InvalidParameterValue: ") && refusal.contains("KeepImageLogin"),
            "{action} {params}: {refusal}"
        );
    }
    // Custom and shared images keep their login; false is always taken.
    v3(
        &mut world,
        "RunInstances",
        keep(Some("img-custom01"), json!(true)),
    );
    v3(
        &mut world,
        "RunInstances",
        keep(Some("img-22trbn9x"), json!(false)),
    );
    v3(
        &mut world,
        "ResetInstance",
        reinstall(keep(Some("img-shared01"), json!(true))),
    );
    assert_eq!(shown(&mut world, "ins-stop0001")["ImageId"], "img-shared01");
}

/// RunInstances and ResetInstance check LoginSettings' key pairs alike,
/// with the codes both error lists give: a missing key pair is
/// `InvalidParameterValue.KeyPairNotFound`, a key for a Windows image
/// `UnsupportedOperation.KeyPairUnsupportedWindows`.
#[test]
fn launch_and_reinstall_check_key_pairs_alike() {
    let mut world = world_of(&[("ins-stop0001", "STOPPED", "")]).key_pair(KeyPair::new(
        "skey-00000001",
        "ops",
        "ssh-ed25519 AAAA ops",
    ));
    let windows = "img-pmqg1cw7";
    for (action, params) in [
        ("RunInstances", json!({})),
        ("ResetInstance", json!({"InstanceId": "ins-stop0001"})),
    ] {
        let with = |image: Option<&str>, key: &str| {
            let mut params = params.clone();
            params["LoginSettings"] = json!({"KeyIds": [key]});
            if let Some(image) = image {
                params["ImageId"] = json!(image);
            }
            params
        };
        assert_eq!(
            refused(
                &mut world,
                Family::Api3,
                action,
                with(None, "skey-nope0000")
            ),
            "InvalidParameterValue.KeyPairNotFound",
            "{action}"
        );
        assert_eq!(
            refused(
                &mut world,
                Family::Api3,
                action,
                with(Some(windows), "skey-00000001")
            ),
            "UnsupportedOperation.KeyPairUnsupportedWindows",
            "{action}"
        );
        v3(&mut world, action, with(None, "skey-00000001"));
    }
    // The key pair actions keep their own documented code.
    assert_eq!(
        refused(
            &mut world,
            Family::Api3,
            "AssociateInstancesKeyPairs",
            json!({"InstanceIds": ["ins-stop0001"], "KeyIds": ["skey-nope0000"]})
        ),
        "InvalidKeyPairId.NotFound"
    );
}

/// The serial that numbers new key pairs, security groups and legacy
/// tasks wraps at `u32::MAX` instead of overflowing (a panic in a debug
/// build).
#[test]
fn the_serial_wraps_instead_of_overflowing() {
    let mut world = world_of(&[("ins-stop0001", "STOPPED", "")]);
    world.serial = u32::MAX;
    let reset = call(
        &mut world,
        Family::Api2,
        "ResetInstancePassword",
        json!({"instanceIds": ["ins-stop0001"], "password": "Letters123"}),
    )
    .expect("reset");
    assert_eq!(
        reset["detail"]["ins-stop0001"]["requestId"],
        json!(0x7461_0000u32.to_string())
    );
    world.serial = u32::MAX;
    let key = v3(&mut world, "CreateKeyPair", json!({"KeyName": "wrapped"}));
    assert_eq!(key["KeyPair"]["KeyId"], "skey-6b650000");
    world.serial = u32::MAX;
    let group = call(
        &mut world,
        Family::Api2,
        "CreateSecurityGroup",
        json!({"sgName": "wrapped"}),
    )
    .expect("created");
    assert_eq!(group["data"]["sgId"], "sg-73670000");
}
