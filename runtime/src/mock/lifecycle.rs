//! CVM's instance lifecycle, kept in memory so that walkthroughs can run
//! offline: RunInstances/RunInstancesHour create instances, Describe*
//! shows each new instance PENDING once and RUNNING after that, and
//! TerminateInstances/ReturnInstance remove them.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::service::Family;

#[derive(Debug, Clone)]
struct Instance {
    name: String,
    image_id: String,
    instance_type: String,
    zone: String,
    described: bool,
}

#[derive(Debug, Default)]
pub struct Lifecycle {
    instances: BTreeMap<String, Instance>,
    next: u32,
}

/// What a lifecycle action answered: a reply body, or an API error.
pub enum Outcome {
    Reply(Value),
    Error(&'static str, String),
}

fn text(params: &Value, path: &[&str]) -> Option<String> {
    let mut node = params;
    for key in path {
        node = node.get(*key)?;
    }
    match node {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn count(params: &Value, name: &str) -> usize {
    text(params, &[name])
        .and_then(|t| t.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 100)
}

fn ids(params: &Value, name: &str) -> Vec<String> {
    params
        .get(name)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

impl Lifecycle {
    /// Handles `action` if it is part of the lifecycle.
    pub fn handle(
        &mut self,
        family: Family,
        action: &str,
        params: &Value,
        request_id: &str,
    ) -> Option<Outcome> {
        match (family, action) {
            (Family::Api3, "RunInstances") => {
                let created = self.create(
                    count(params, "InstanceCount"),
                    text(params, &["InstanceName"]).unwrap_or_else(|| "未命名".into()),
                    text(params, &["ImageId"]).unwrap_or_default(),
                    text(params, &["InstanceType"]).unwrap_or_else(|| "S1.SMALL1".into()),
                    text(params, &["Placement", "Zone"]).unwrap_or_default(),
                );
                Some(Outcome::Reply(
                    json!({"Response": {"InstanceIdSet": created, "RequestId": request_id}}),
                ))
            }
            (Family::Api2, "RunInstancesHour" | "RunInstances") => {
                let created = self.create(
                    count(params, "goodsNum"),
                    text(params, &["instanceName"]).unwrap_or_else(|| "未命名".into()),
                    text(params, &["imageId"]).unwrap_or_default(),
                    text(params, &["instanceType"]).unwrap_or_else(|| "CVM.S1".into()),
                    text(params, &["zoneId"]).unwrap_or_default(),
                );
                Some(Outcome::Reply(
                    json!({"code": 0, "message": "", "codeDesc": "Success", "unInstanceIds": created}),
                ))
            }
            (Family::Api3, "DescribeInstances") => {
                let set: Vec<Value> = self
                    .describe(&ids(params, "InstanceIds"))
                    .into_iter()
                    .map(|(id, i, running)| {
                        json!({
                            "InstanceId": id,
                            "InstanceName": i.name,
                            "InstanceState": if running { "RUNNING" } else { "PENDING" },
                            "InstanceType": i.instance_type,
                            "ImageId": i.image_id,
                            "Placement": {"Zone": i.zone},
                        })
                    })
                    .collect();
                Some(Outcome::Reply(
                    json!({"Response": {"TotalCount": set.len(), "InstanceSet": set, "RequestId": request_id}}),
                ))
            }
            (Family::Api2, "DescribeInstances") => {
                let set: Vec<Value> = self
                    .describe(&ids(params, "instanceIds"))
                    .into_iter()
                    .map(|(id, i, running)| {
                        // 2: running, 3: creating (the legacy status codes).
                        json!({
                            "unInstanceId": id,
                            "instanceName": i.name,
                            "status": if running { 2 } else { 3 },
                            "unImgId": i.image_id,
                            "zoneId": i.zone.parse::<i64>().unwrap_or_default(),
                        })
                    })
                    .collect();
                Some(Outcome::Reply(
                    json!({"code": 0, "message": "", "codeDesc": "Success", "totalCount": set.len(), "instanceSet": set}),
                ))
            }
            (Family::Api3, "TerminateInstances") => {
                Some(match self.remove(&ids(params, "InstanceIds")) {
                    Ok(()) => Outcome::Reply(json!({"Response": {"RequestId": request_id}})),
                    Err(id) => Outcome::Error(
                        "InvalidInstanceId.NotFound",
                        format!("The instance `{id}` does not exist."),
                    ),
                })
            }
            (Family::Api2, "ReturnInstance") => {
                let id = text(params, &["instanceId"]).unwrap_or_default();
                Some(match self.remove(&[id]) {
                    Ok(()) => {
                        Outcome::Reply(json!({"code": 0, "message": "", "codeDesc": "Success"}))
                    }
                    Err(id) => Outcome::Error(
                        "InvalidInstanceId.NotFound",
                        format!("The instance `{id}` does not exist."),
                    ),
                })
            }
            _ => None,
        }
    }

    fn create(
        &mut self,
        count: usize,
        name: String,
        image_id: String,
        instance_type: String,
        zone: String,
    ) -> Vec<String> {
        (0..count)
            .map(|_| {
                self.next += 1;
                let id = format!("ins-{:08x}", 0x6d6f_0000u32.wrapping_add(self.next));
                self.instances.insert(
                    id.clone(),
                    Instance {
                        name: name.clone(),
                        image_id: image_id.clone(),
                        instance_type: instance_type.clone(),
                        zone: zone.clone(),
                        described: false,
                    },
                );
                id
            })
            .collect()
    }

    /// The instances asked for (all when `ids` is empty), each with whether
    /// it is running: a new instance shows PENDING the first time.
    fn describe(&mut self, ids: &[String]) -> Vec<(String, Instance, bool)> {
        let mut out = Vec::new();
        for (id, instance) in self.instances.iter_mut() {
            if !ids.is_empty() && !ids.contains(id) {
                continue;
            }
            let running = instance.described;
            instance.described = true;
            out.push((id.clone(), instance.clone(), running));
        }
        out
    }

    fn remove(&mut self, ids: &[String]) -> Result<(), String> {
        if let Some(missing) = ids.iter().find(|id| !self.instances.contains_key(*id)) {
            return Err(missing.clone());
        }
        for id in ids {
            self.instances.remove(id);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(outcome: Option<Outcome>) -> Value {
        match outcome {
            Some(Outcome::Reply(body)) => body,
            Some(Outcome::Error(code, message)) => panic!("{code}: {message}"),
            None => panic!("not a lifecycle action"),
        }
    }

    #[test]
    fn run_describe_terminate() {
        let mut life = Lifecycle::default();
        let run = reply(life.handle(
            Family::Api3,
            "RunInstances",
            &json!({"InstanceCount": 2}),
            "r",
        ));
        let ids: Vec<String> =
            serde_json::from_value(run["Response"]["InstanceIdSet"].clone()).expect("ids");
        assert_eq!(ids.len(), 2);
        let state = |life: &mut Lifecycle| {
            reply(life.handle(
                Family::Api3,
                "DescribeInstances",
                &json!({"InstanceIds": [ids[0]]}),
                "r",
            ))["Response"]["InstanceSet"][0]["InstanceState"]
                .clone()
        };
        assert_eq!(state(&mut life), "PENDING");
        assert_eq!(state(&mut life), "RUNNING");
        reply(life.handle(
            Family::Api3,
            "TerminateInstances",
            &json!({"InstanceIds": [ids[0]]}),
            "r",
        ));
        let left = reply(life.handle(Family::Api3, "DescribeInstances", &json!({}), "r"));
        assert_eq!(left["Response"]["TotalCount"], 1);
        assert!(matches!(
            life.handle(
                Family::Api3,
                "TerminateInstances",
                &json!({"InstanceIds": [ids[0]]}),
                "r"
            ),
            Some(Outcome::Error("InvalidInstanceId.NotFound", _))
        ));
    }

    #[test]
    fn legacy_run_and_return() {
        let mut life = Lifecycle::default();
        let run = reply(life.handle(
            Family::Api2,
            "RunInstancesHour",
            &json!({"goodsNum": "1", "zoneId": "100002"}),
            "r",
        ));
        let id = run["unInstanceIds"][0].as_str().expect("an id").to_owned();
        let listed = reply(life.handle(Family::Api2, "DescribeInstances", &json!({}), "r"));
        assert_eq!(listed["instanceSet"][0]["status"], 3);
        assert_eq!(listed["instanceSet"][0]["zoneId"], 100002);
        reply(life.handle(
            Family::Api2,
            "ReturnInstance",
            &json!({"instanceId": id}),
            "r",
        ));
        assert_eq!(
            reply(life.handle(Family::Api2, "DescribeInstances", &json!({}), "r"))["totalCount"],
            0
        );
    }
}
