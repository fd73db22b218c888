//! CVM instances and their lifecycle. Transitions count polls, not time: a
//! transitional state is shown by one Describe* reply and has moved on by
//! the next one.
//!
//! - Run* creates PENDING instances, which become RUNNING (or
//!   LAUNCH_FAILED, after [`super::CvmWorld::set_launch_failure`]).
//! - Stop: RUNNING → STOPPING → STOPPED; Start: STOPPED → STARTING →
//!   RUNNING; Reboot: RUNNING → REBOOTING → RUNNING.
//! - Terminate: → TERMINATING → gone; a PREPAID instance goes to the
//!   recycle bin (SHUTDOWN) first and is destroyed by a second Terminate.
//!   One batch must share one charge type; an instance with
//!   DisableApiTermination set is refused.
//! - ReturnInstance (legacy) removes a pay-as-you-go instance at once;
//!   termination protection refuses it there too.
//! - Changes made while an instance is stopped (ForceStop key binding,
//!   password reset, reinstall) start a RUNNING one again: STARTING →
//!   RUNNING; a resize ends RUNNING whatever it started from.
//! - API 3.0 actions record themselves as the instance's LatestOperation:
//!   OPERATING while its transitional state shows, then SUCCESS (FAILED
//!   for a failed launch).

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
    /// The system disk's type, one of [`SYSTEM_DISK_TYPES`]; [`DISK_TYPE`]
    /// when empty. ResetInstance cannot change it.
    pub system_disk_type: String,
    pub data_disk_sizes: Vec<i64>,
    /// The data disks' types, in `data_disk_sizes`' order, each one of
    /// [`DATA_DISK_TYPES`]; [`DISK_TYPE`] for a disk without one.
    pub data_disk_types: Vec<String>,
    /// Shown as `VM-<private IP>` when empty.
    pub host_name: String,
    /// The CAM role bound to the instance (none when empty).
    pub cam_role_name: String,
    /// Termination protection: TerminateInstances refuses the instance.
    pub disable_api_termination: bool,
}

/// The type the world gives a disk, system or data, whose request or seed
/// names none (the docs' default is whatever is in stock).
pub const DISK_TYPE: &str = "CLOUD_PREMIUM";

/// `SystemDisk.DiskType`'s documented values ("取值范围").
pub const SYSTEM_DISK_TYPES: &[&str] = &[
    "LOCAL_BASIC",
    "LOCAL_SSD",
    "CLOUD_BASIC",
    "CLOUD_SSD",
    "CLOUD_PREMIUM",
    "CLOUD_BSSD",
    "CLOUD_HSSD",
    "CLOUD_TSSD",
];

/// `DataDisk.DiskType`'s documented values a request may name: the list
/// without LOCAL_NVME and LOCAL_PRO ("与InstanceType强相关，不支持指定").
pub const DATA_DISK_TYPES: &[&str] = &[
    "LOCAL_BASIC",
    "LOCAL_SSD",
    "CLOUD_BASIC",
    "CLOUD_PREMIUM",
    "CLOUD_SSD",
    "CLOUD_HSSD",
    "CLOUD_TSSD",
    "CLOUD_BSSD",
];

/// A disk's type as shown: `kind`, or [`DISK_TYPE`] when it names none.
pub fn disk_type(kind: Option<&String>) -> &str {
    kind.map(String::as_str)
        .filter(|k| !k.is_empty())
        .unwrap_or(DISK_TYPE)
}

/// Checks a disk type against its documented values (`what` names the
/// param in the refusal); an empty one stands for [`DISK_TYPE`].
pub fn check_disk_type(kind: &str, allowed: &[&str], what: &str) -> Result<String, Outcome> {
    if kind.is_empty() {
        return Ok(DISK_TYPE.to_owned());
    }
    if allowed.contains(&kind) {
        return Ok(kind.to_owned());
    }
    Err(Outcome::error(
        "InvalidParameterValue",
        format!(
            "`{what}` must be one of {}, not `{kind}`.",
            allowed.join(", ")
        ),
    ))
}

/// The private IP the world gives the n-th instance it creates (from 1)
/// when the request names none.
fn private_ip(n: u32) -> String {
    format!("10.0.{}.{}", n / 250, n % 250 + 2)
}

/// The last API 3.0 action on an instance (`StopInstances`, ...), its
/// state (`OPERATING`, `SUCCESS`, `FAILED`) and RequestId.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub action: String,
    pub state: &'static str,
    pub request_id: String,
}

#[derive(Debug, Default)]
pub struct Instances {
    pub(super) map: BTreeMap<String, Instance>,
    /// What follows an instance's transitional state once a reply has
    /// shown it; `""` for removal.
    pub(super) next: BTreeMap<String, String>,
    /// Each instance's latest operation.
    pub(super) operations: BTreeMap<String, Operation>,
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
        "SHUTDOWN" => "UnsupportedOperation.InstanceStateShutdown",
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
        "SHUTDOWN" => 5,
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
    /// Creates PENDING instances from `instances` with fresh ids, uuids
    /// and (where they have none) IPs; returns their ids.
    pub fn create(&mut self, instances: Vec<Instance>, now: &str) -> Vec<String> {
        instances
            .into_iter()
            .map(|mut instance| {
                self.created += 1;
                let n = self.created;
                let id = format!("ins-{:08x}", 0x6d6f_0000u32.wrapping_add(n));
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
                    instance.private_ip_address = private_ip(n);
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

    /// The private IPs the next `count` created instances get unless their
    /// request names them (RunInstances' HostName `{IP}` needs them first).
    pub fn next_private_ips(&self, count: usize) -> Vec<String> {
        (1..=count)
            .map(|k| private_ip(self.created.wrapping_add(k as u32)))
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
    /// `(offset, limit)` as they are now, with their latest operations.
    /// Each one shown in a transitional state moves on afterwards.
    pub fn describe(
        &mut self,
        keep: impl Fn(&Instance) -> bool,
        (offset, limit): (usize, usize),
    ) -> (usize, Vec<(Instance, Option<Operation>)>) {
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
            shown.push((instance.clone(), self.operations.get(id).cloned()));
            match self.next.remove(id).as_deref() {
                Some("") => {
                    self.map.remove(id);
                    self.operations.remove(id);
                }
                Some(next) => {
                    instance.instance_state = next.to_owned();
                    if let Some(op) = self.operations.get_mut(id) {
                        op.state = if next == "LAUNCH_FAILED" {
                            "FAILED"
                        } else {
                            "SUCCESS"
                        };
                    }
                }
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

    /// Terminates `ids`: a PREPAID instance moves to the recycle bin
    /// (SHUTDOWN) and is destroyed from there by the next call; the others
    /// go through TERMINATING.
    /// The batch must share one charge type ("批量操作时，所有实例的付费类型必须一致")
    /// and hold no protected instance.
    pub fn terminate(&mut self, ids: &[String]) -> Result<(), Outcome> {
        self.check(ids, &[])?;
        let batch: Vec<&Instance> = ids.iter().filter_map(|id| self.map.get(id)).collect();
        if let Some(other) = batch
            .iter()
            .find(|i| i.instance_charge_type != batch[0].instance_charge_type)
        {
            return Err(Outcome::error(
                "UnsupportedOperation.InstanceMixedPricingModel",
                format!(
                    "The instances of one batch must share one charge type: `{}` is {}, `{}` is {}.",
                    batch[0].instance_id,
                    batch[0].instance_charge_type,
                    other.instance_id,
                    other.instance_charge_type
                ),
            ));
        }
        if let Some(i) = batch.iter().find(|i| i.disable_api_termination) {
            return Err(Outcome::error(
                "UnsupportedOperation.InstancesProtected",
                format!(
                    "The instance `{}` has termination protection (DisableApiTermination); turn it off first.",
                    i.instance_id
                ),
            ));
        }
        self.check(ids, TERMINABLE)?;
        let (recycle, destroy): (Vec<String>, Vec<String>) = ids.iter().cloned().partition(|id| {
            self.map.get(id).is_some_and(|i| {
                i.instance_charge_type == "PREPAID" && i.instance_state != "SHUTDOWN"
            })
        });
        self.transition(&recycle, TERMINABLE, "SHUTDOWN", "SHUTDOWN")?;
        self.transition(&destroy, TERMINABLE, "TERMINATING", "")
    }

    /// Starts the RUNNING ones of `ids` again after a change that needs
    /// them stopped (ForceStop): each is shown STARTING once, then RUNNING.
    pub fn restart(&mut self, ids: &[String]) {
        for id in ids {
            if let Some(i) = self.map.get_mut(id) {
                if i.instance_state == "RUNNING" {
                    i.instance_state = "STARTING".into();
                    self.next.insert(id.clone(), "RUNNING".into());
                }
            }
        }
    }

    /// Records `action` (request `request_id`) as the latest operation of
    /// `ids`: OPERATING while a transition is pending, else SUCCESS.
    pub fn record(&mut self, ids: &[String], action: &str, request_id: &str) {
        for id in ids.iter().filter(|id| self.map.contains_key(*id)) {
            let state = if self.next.contains_key(id) {
                "OPERATING"
            } else {
                "SUCCESS"
            };
            let op = Operation {
                action: action.to_owned(),
                state,
                request_id: request_id.to_owned(),
            };
            self.operations.insert(id.clone(), op);
        }
    }

    /// Removes `ids` at once (legacy ReturnInstance): only pay-as-you-go
    /// instances that are not in a transitional state and have no
    /// termination protection. Nothing is removed unless all can be.
    pub fn remove(&mut self, ids: &[String]) -> Result<(), Outcome> {
        for id in ids {
            let instance = self.map.get(id).ok_or_else(|| not_found(id))?;
            // The one error ReturnInstance documents.
            let refuse =
                |why: String| Outcome::error("OperationConstraints.InvaildInstanceStatus", why);
            if instance.disable_api_termination {
                return Err(refuse(format!(
                    "The instance `{id}` has termination protection (DisableApiTermination); turn it off first."
                )));
            }
            if instance.instance_charge_type == "PREPAID" {
                return Err(refuse(format!(
                    "The instance `{id}` is PREPAID; only pay-as-you-go instances can be returned."
                )));
            }
            if !RETURNABLE.contains(&instance.instance_state.as_str()) {
                return Err(refuse(format!(
                    "The instance `{id}` is {}; it can be returned when RUNNING or STOPPED.",
                    instance.instance_state
                )));
            }
        }
        for id in ids {
            self.map.remove(id);
            self.next.remove(id);
            self.operations.remove(id);
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
    "SHUTDOWN",
];

/// The states legacy ReturnInstance accepts (no transitional ones).
const RETURNABLE: &[&str] = &["RUNNING", "STOPPED", "LAUNCH_FAILED"];
