//! CVM's instance lifecycle, kept in memory so that walkthroughs and
//! waiters can run offline. Transitions count polls, not time: a
//! transitional state is shown by one Describe* reply and has moved on by
//! the next one.
//!
//! - RunInstances/RunInstancesHour create PENDING instances, which become
//!   RUNNING (or LAUNCH_FAILED, after [`Lifecycle::set_launch_failure`]).
//! - StopInstances: RUNNING → STOPPING → STOPPED; StartInstances: STOPPED →
//!   STARTING → RUNNING; RebootInstances: RUNNING → REBOOTING → RUNNING.
//! - TerminateInstances: → TERMINATING → gone; ReturnInstance (legacy)
//!   removes at once.
//! - DescribeInstances (both families) and DescribeInstancesStatus honour
//!   `InstanceIds` and `Offset`/`Limit` (default 20, at most 100), and
//!   report the TotalCount of all matching instances.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::service::Family;

#[derive(Debug, Clone)]
struct Instance {
    name: String,
    image_id: String,
    instance_type: String,
    zone: String,
    state: &'static str,
    /// What follows the transitional `state` once a reply has shown it;
    /// `None` for a settled state, `Some("")` for removal.
    next: Option<&'static str>,
}

#[derive(Debug, Default)]
pub struct Lifecycle {
    instances: BTreeMap<String, Instance>,
    next: u32,
    launch_failure: bool,
}

/// What a lifecycle action answered: a reply body, or an API error.
pub enum Outcome {
    Reply(Value),
    Error(&'static str, String),
}

/// The error CVM answers for an action the instance's state forbids.
fn state_error(state: &str) -> &'static str {
    match state {
        "PENDING" => "UnsupportedOperation.InstanceStatePending",
        "LAUNCH_FAILED" => "UnsupportedOperation.InstanceStateLaunchFailed",
        "RUNNING" => "UnsupportedOperation.InstanceStateRunning",
        "STOPPING" => "UnsupportedOperation.InstanceStateStopping",
        "STOPPED" => "UnsupportedOperation.InstanceStateStopped",
        "STARTING" => "UnsupportedOperation.InstanceStateStarting",
        "REBOOTING" => "UnsupportedOperation.InstanceStateRebooting",
        "TERMINATING" => "UnsupportedOperation.InstanceStateTerminating",
        _ => "InvalidInstanceState",
    }
}

/// The legacy API's numeric status of a state.
fn legacy_status(state: &str) -> i64 {
    match state {
        "LAUNCH_FAILED" => -1,
        "RUNNING" => 2,
        "PENDING" => 3,
        "STOPPED" => 4,
        "TERMINATING" => 6,
        "REBOOTING" => 7,
        "STARTING" => 8,
        "STOPPING" => 9,
        _ => 0,
    }
}

/// `Offset` and `Limit` (or `offset`/`limit`), as the services default them.
fn page(params: &Value, offset: &str, limit: &str) -> (usize, usize) {
    let number = |name: &str| text(params, &[name]).and_then(|t| t.trim().parse::<usize>().ok());
    (
        number(offset).unwrap_or(0),
        number(limit).unwrap_or(20).min(100),
    )
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
                let (total, shown) =
                    self.describe(&ids(params, "InstanceIds"), page(params, "Offset", "Limit"));
                let set: Vec<Value> = shown
                    .into_iter()
                    .map(|(id, i)| {
                        json!({
                            "InstanceId": id,
                            "InstanceName": i.name,
                            "InstanceState": i.state,
                            "InstanceType": i.instance_type,
                            "ImageId": i.image_id,
                            "Placement": {"Zone": i.zone},
                        })
                    })
                    .collect();
                Some(Outcome::Reply(
                    json!({"Response": {"TotalCount": total, "InstanceSet": set, "RequestId": request_id}}),
                ))
            }
            (Family::Api3, "DescribeInstancesStatus") => {
                let (total, shown) =
                    self.describe(&ids(params, "InstanceIds"), page(params, "Offset", "Limit"));
                let set: Vec<Value> = shown
                    .into_iter()
                    .map(|(id, i)| json!({"InstanceId": id, "InstanceState": i.state}))
                    .collect();
                Some(Outcome::Reply(
                    json!({"Response": {"TotalCount": total, "InstanceStatusSet": set, "RequestId": request_id}}),
                ))
            }
            (Family::Api3, "StopInstances") => Some(self.transition(
                &ids(params, "InstanceIds"),
                &["RUNNING"],
                "STOPPING",
                "STOPPED",
                request_id,
            )),
            (Family::Api3, "StartInstances") => Some(self.transition(
                &ids(params, "InstanceIds"),
                &["STOPPED"],
                "STARTING",
                "RUNNING",
                request_id,
            )),
            (Family::Api3, "RebootInstances") => Some(self.transition(
                &ids(params, "InstanceIds"),
                &["RUNNING"],
                "REBOOTING",
                "RUNNING",
                request_id,
            )),
            (Family::Api2, "DescribeInstances") => {
                let (total, shown) =
                    self.describe(&ids(params, "instanceIds"), page(params, "offset", "limit"));
                let set: Vec<Value> = shown
                    .into_iter()
                    .map(|(id, i)| {
                        json!({
                            "unInstanceId": id,
                            "instanceName": i.name,
                            "status": legacy_status(i.state),
                            "unImgId": i.image_id,
                            "zoneId": i.zone.parse::<i64>().unwrap_or_default(),
                        })
                    })
                    .collect();
                Some(Outcome::Reply(
                    json!({"code": 0, "message": "", "codeDesc": "Success", "totalCount": total, "instanceSet": set}),
                ))
            }
            (Family::Api3, "TerminateInstances") => Some(self.transition(
                &ids(params, "InstanceIds"),
                &[
                    "PENDING",
                    "LAUNCH_FAILED",
                    "RUNNING",
                    "STOPPING",
                    "STOPPED",
                    "STARTING",
                    "REBOOTING",
                ],
                "TERMINATING",
                "",
                request_id,
            )),
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
                        state: "PENDING",
                        next: Some(if self.launch_failure {
                            "LAUNCH_FAILED"
                        } else {
                            "RUNNING"
                        }),
                    },
                );
                id
            })
            .collect()
    }

    /// Instances created from now on end in LAUNCH_FAILED (or RUNNING again).
    pub fn set_launch_failure(&mut self, on: bool) {
        self.launch_failure = on;
    }

    /// How many instances match `ids` (all when empty), and the page of
    /// them at `(offset, limit)` as they are now. Each one shown in a
    /// transitional state moves on to the next state afterwards.
    fn describe(
        &mut self,
        ids: &[String],
        (offset, limit): (usize, usize),
    ) -> (usize, Vec<(String, Instance)>) {
        let matching: Vec<String> = self
            .instances
            .keys()
            .filter(|id| ids.is_empty() || ids.contains(id))
            .cloned()
            .collect();
        let mut shown = Vec::new();
        for id in matching.iter().skip(offset).take(limit) {
            let Some(instance) = self.instances.get_mut(id) else {
                continue;
            };
            shown.push((id.clone(), instance.clone()));
            match instance.next.take() {
                Some("") => {
                    self.instances.remove(id);
                }
                Some(next) => instance.state = next,
                None => {}
            }
        }
        (matching.len(), shown)
    }

    /// Moves every instance of `ids` from one of `from` to `via`, which a
    /// reply shows once before `to` (`""`: the instance is gone).
    fn transition(
        &mut self,
        ids: &[String],
        from: &[&str],
        via: &'static str,
        to: &'static str,
        request_id: &str,
    ) -> Outcome {
        for id in ids {
            match self.instances.get(id) {
                None => {
                    return Outcome::Error(
                        "InvalidInstanceId.NotFound",
                        format!("The instance `{id}` does not exist."),
                    )
                }
                Some(i) if !from.contains(&i.state) => {
                    return Outcome::Error(
                        state_error(i.state),
                        format!("The instance `{id}` is {}.", i.state),
                    )
                }
                Some(_) => {}
            }
        }
        for id in ids {
            if let Some(instance) = self.instances.get_mut(id) {
                instance.state = via;
                instance.next = Some(to);
            }
        }
        Outcome::Reply(json!({"Response": {"RequestId": request_id}}))
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
        assert_eq!(state(&mut life), "TERMINATING");
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
