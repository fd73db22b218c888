//! CVM instances and their lifecycle. Transitions count polls, not time: a
//! transitional state is shown by one Describe* reply and has moved on by
//! the next one.
//!
//! - Run* creates PENDING instances, which become RUNNING (or
//!   LAUNCH_FAILED, after [`super::CvmWorld::set_launch_failure`]).
//! - Stop: RUNNING → STOPPING → STOPPED; Start: STOPPED → STARTING →
//!   RUNNING; Reboot: RUNNING → REBOOTING → RUNNING.
//! - Terminate: → TERMINATING → gone; ReturnInstance (legacy) removes at once.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::filters::Tag;
use crate::Outcome;

/// An instance as the world keeps it; seedable from code or JSON (a
/// seeded instance is in its `InstanceState`, RUNNING by default).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct Instance {
    pub instance_id: String,
    pub instance_name: String,
    pub zone: String,
    pub instance_type: String,
    pub image_id: String,
    pub instance_state: String,
    /// `POSTPAID_BY_HOUR` (default) or `PREPAID`.
    pub instance_charge_type: String,
    pub project_id: i64,
    /// Filled from the instance type when 0.
    pub cpu: i64,
    pub memory: i64,
    pub key_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub vpc_id: String,
    pub subnet_id: String,
    pub private_ip_address: String,
    pub public_ip_address: String,
    pub ipv6_addresses: Vec<String>,
    pub host_id: String,
    pub dedicated_cluster_id: String,
    pub uuid: String,
    pub tags: Vec<Tag>,
    /// `2024-01-01T00:00:00Z`.
    pub created_time: String,
    pub internet_max_bandwidth_out: i64,
    pub system_disk_size: i64,
    pub data_disk_sizes: Vec<i64>,
}

#[derive(Debug, Default)]
pub struct Instances {
    pub(super) map: BTreeMap<String, Instance>,
    /// What follows an instance's transitional state once a reply has
    /// shown it; `""` for removal.
    pub(super) next: BTreeMap<String, String>,
    created: u32,
    pub(super) launch_failure: bool,
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
pub fn legacy_status(state: &str) -> i64 {
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

pub fn not_found(id: &str) -> Outcome {
    Outcome::error(
        "InvalidInstanceId.NotFound",
        format!("The instance `{id}` does not exist."),
    )
}

impl Instances {
    /// Creates `count` PENDING copies of `template` with fresh ids, IPs
    /// and uuids; returns their ids.
    pub fn create(&mut self, template: &Instance, count: usize, now: &str) -> Vec<String> {
        (0..count)
            .map(|_| {
                self.created += 1;
                let n = self.created;
                let id = format!("ins-{:08x}", 0x6d6f_0000u32.wrapping_add(n));
                let mut instance = template.clone();
                instance.instance_id = id.clone();
                instance.instance_state = "PENDING".into();
                let next = if self.launch_failure {
                    "LAUNCH_FAILED"
                } else {
                    "RUNNING"
                };
                self.next.insert(id.clone(), next.into());
                instance.uuid = format!("6d6f636b-{n:04x}-4000-8000-{n:012x}");
                instance.created_time = now.to_owned();
                if instance.private_ip_address.is_empty() {
                    instance.private_ip_address = format!("10.0.{}.{}", n / 250, n % 250 + 2);
                }
                if instance.internet_max_bandwidth_out > 0 && instance.public_ip_address.is_empty()
                {
                    instance.public_ip_address = format!("119.29.{}.{}", n / 250, n % 250 + 2);
                }
                self.map.insert(id.clone(), instance);
                id
            })
            .collect()
    }

    /// Adds a seeded instance as it is (RUNNING unless it says otherwise).
    pub fn seed(&mut self, mut instance: Instance) {
        if instance.instance_state.is_empty() {
            instance.instance_state = "RUNNING".into();
        }
        self.map.insert(instance.instance_id.clone(), instance);
    }

    /// The instances `keep` selects, all counted, and the page at
    /// `(offset, limit)` as they are now. Each one shown in a transitional
    /// state moves on afterwards.
    pub fn describe(
        &mut self,
        keep: impl Fn(&Instance) -> bool,
        (offset, limit): (usize, usize),
    ) -> (usize, Vec<Instance>) {
        let matching: Vec<String> = self
            .map
            .values()
            .filter(|i| keep(i))
            .map(|i| i.instance_id.clone())
            .collect();
        let mut shown = Vec::new();
        for id in matching.iter().skip(offset).take(limit) {
            let Some(instance) = self.map.get_mut(id) else {
                continue;
            };
            shown.push(instance.clone());
            match self.next.remove(id).as_deref() {
                Some("") => {
                    self.map.remove(id);
                }
                Some(next) => instance.instance_state = next.to_owned(),
                None => {}
            }
        }
        (matching.len(), shown)
    }

    /// Checks that every id exists, and is in one of `from` (any state when
    /// empty).
    pub fn check(&self, ids: &[String], from: &[&str]) -> Result<(), Outcome> {
        for id in ids {
            match self.map.get(id) {
                None => return Err(not_found(id)),
                Some(i) if !from.is_empty() && !from.contains(&i.instance_state.as_str()) => {
                    return Err(Outcome::error(
                        state_error(&i.instance_state),
                        format!("The instance `{id}` is {}.", i.instance_state),
                    ))
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Moves every instance of `ids` from one of `from` to `via`, which a
    /// reply shows once before `to` (`""`: the instance is gone).
    pub fn transition(
        &mut self,
        ids: &[String],
        from: &[&str],
        via: &str,
        to: &str,
    ) -> Result<(), Outcome> {
        self.check(ids, from)?;
        for id in ids {
            if let Some(instance) = self.map.get_mut(id) {
                instance.instance_state = via.to_owned();
                self.next.insert(id.clone(), to.to_owned());
            }
        }
        Ok(())
    }

    pub fn remove(&mut self, ids: &[String]) -> Result<(), Outcome> {
        self.check(ids, &[])?;
        for id in ids {
            self.map.remove(id);
            self.next.remove(id);
        }
        Ok(())
    }
}

/// Every state an instance can be terminated from.
pub const TERMINABLE: &[&str] = &[
    "PENDING",
    "LAUNCH_FAILED",
    "RUNNING",
    "STOPPING",
    "STOPPED",
    "STARTING",
    "REBOOTING",
];
