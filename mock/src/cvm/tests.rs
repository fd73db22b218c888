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
    assert_eq!(
        code(json!({"LoginSettings": {"KeyIds": ["skey-nope0000"]}})).as_deref(),
        Some("InvalidKeyPairId.NotFound")
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
fn return_instance_takes_settled_pay_as_you_go_instances_only() {
    let mut world = world_of(&[
        ("ins-prep0001", "RUNNING", "PREPAID"),
        ("ins-stop0001", "STOPPING", ""),
        ("ins-hour0001", "STOPPED", ""),
    ]);
    let ret = |id: &str| json!({"instanceId": id});
    for id in ["ins-prep0001", "ins-stop0001"] {
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
    assert_eq!(left, ["ins-prep0001", "ins-stop0001"]);
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
