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
