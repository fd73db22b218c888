//! Instance actions of both families: create (checked against the
//! catalog, key pairs and security groups), describe with Filters, and the
//! lifecycle moves.

use serde_json::{json, Value};

use super::filters::{self, boolean, flag, param, strings, tag_matches, FilterRules, Tag};
use super::instances::{
    check_disk_type, legacy_status, Instance, DATA_DISK_TYPES, DISK_TYPE, SYSTEM_DISK_TYPES,
};
use super::login::check_host_name;
use super::{legacy_ok, CvmWorld};
use crate::Outcome;

const DESCRIBE: FilterRules = FilterRules {
    names: &[
        "zone",
        "project-id",
        "host-id",
        "dedicated-cluster-id",
        "vpc-id",
        "subnet-id",
        "instance-id",
        "uuid",
        "security-group-id",
        "instance-name",
        "instance-charge-type",
        "instance-state",
        "private-ip-address",
        "public-ip-address",
        "ipv6-address",
        "tag-key",
        "tag-value",
        "tag:",
        "creation-start-time",
        "creation-end-time",
    ],
    max_values: 5,
};

/// `2023-06-01 00:00:00` and `2023-06-01T00:00:00Z` compare alike.
fn comparable(time: &str) -> String {
    time.replace('T', " ").trim_end_matches('Z').to_owned()
}

fn instance_matches(i: &Instance, name: &str, value: &str) -> bool {
    match name {
        "zone" => i.zone == value,
        "project-id" => i.project_id.to_string() == value,
        "host-id" => i.host_id == value,
        "dedicated-cluster-id" => i.dedicated_cluster_id == value,
        "vpc-id" => i.vpc_id == value,
        "subnet-id" => i.subnet_id == value,
        "instance-id" => i.instance_id == value,
        "uuid" => i.uuid == value,
        "security-group-id" => i.security_group_ids.iter().any(|s| s == value),
        "instance-name" => i.instance_name == value,
        "instance-charge-type" => i.instance_charge_type == value,
        "instance-state" => i.instance_state == value,
        "private-ip-address" => i.private_ip_address == value,
        "public-ip-address" => i.public_ip_address == value,
        "ipv6-address" => i.ipv6_addresses.iter().any(|a| a == value),
        "creation-start-time" => comparable(&i.created_time) >= comparable(value),
        "creation-end-time" => comparable(&i.created_time) <= comparable(value),
        _ => tag_matches(&i.tags, name, value).unwrap_or(false),
    }
}

/// Each batch action takes at most 100 instances.
const MAX_BATCH: usize = 100;

/// A count param within `[1, max]` (1 when absent); anything else gets
/// `code`.
fn count_param(params: &Value, name: &str, max: i64, code: &str) -> Result<usize, Outcome> {
    let Some(text) = param(params, name) else {
        return Ok(1);
    };
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| {
            Outcome::error(
                code,
                format!("`{name}` must be an integer in [1, {max}], not `{text}`."),
            )
        })
}

/// The n-th (from 0) of `count` names from RunInstances' InstanceName:
/// each `{R:x}` or `{R:x,F:y}` counts up from x (zero-padded to y digits);
/// without one, several instances get the suffixes 1..n.
fn numbered_name(name: &str, n: usize, count: usize) -> String {
    let mut out = String::new();
    let mut rest = name;
    let mut patterned = false;
    while let Some((before, after)) = rest.split_once("{R:") {
        out.push_str(before);
        match after
            .split_once('}')
            .and_then(|(inner, tail)| Some((name_pattern(inner)?, tail)))
        {
            Some(((start, width), tail)) => {
                let number = start.saturating_add(n as u64);
                out.push_str(&format!("{number:0width$}"));
                rest = tail;
                patterned = true;
            }
            // Not a pattern: plain text.
            None => {
                out.push_str("{R:");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    if !patterned && count > 1 {
        out.push_str(&(n + 1).to_string());
    }
    out
}

/// The n-th (from 0) of `count` host names from RunInstances' HostName:
/// as [`numbered_name`], and each `{IP}` becomes the instance's private IP
/// ("指定模式串 {IP}：自动替换为实例的内网IP地址"). `{IP}` is a pattern too, so
/// with it no suffix is added.
fn numbered_host_name(pattern: &str, n: usize, count: usize, ip: &str) -> String {
    if pattern.contains("{IP}") {
        numbered_name(&pattern.replace("{IP}", ip), n, 1)
    } else {
        numbered_name(pattern, n, count)
    }
}

/// `x` or `x,F:y` (y in [0, 8]) as (start, width).
fn name_pattern(inner: &str) -> Option<(u64, usize)> {
    let (start, width) = match inner.split_once(",F:") {
        Some((start, width)) => (start, Some(width)),
        None => (inner, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let start = Some(start).filter(|s| digits(s))?.parse().ok()?;
    let width = match width {
        Some(w) => Some(w)
            .filter(|w| digits(w))?
            .parse()
            .ok()
            .filter(|w| *w <= 8)?,
        None => 0,
    };
    Some((start, width))
}

fn number(params: &Value, path: &[&str]) -> Option<i64> {
    let mut node = params;
    for key in path {
        node = node.get(*key)?;
    }
    filters::text(node)?.parse().ok()
}

fn text_at(params: &Value, path: &[&str]) -> Option<String> {
    let mut node = params;
    for key in path {
        node = node.get(*key)?;
    }
    filters::text(node).filter(|t| !t.is_empty())
}

impl CvmWorld {
    /// RunInstances' params as an instance template, checked against the
    /// world as CVM checks them (the host name, which differs per
    /// instance, is `run_v3`'s).
    fn template_v3(&self, params: &Value) -> Result<Instance, Outcome> {
        let type_name = text_at(params, &["InstanceType"]);
        let zone = text_at(params, &["Placement", "Zone"]);
        let t = self.find_type(type_name.as_deref().unwrap_or("S1.SMALL1"))?;
        let zone = zone
            .or_else(|| t.zones.first().cloned())
            .unwrap_or_default();
        self.check_offered(t, &zone)?;
        let image_id = match text_at(params, &["ImageId"]) {
            Some(id) => self
                .find_image(&id)
                .map(|i| i.image_id.clone())
                .ok_or_else(|| super::image_not_found(&id))?,
            None => self
                .images
                .iter()
                .find(|i| !i.is_windows())
                .map(|i| i.image_id.clone())
                .unwrap_or_default(),
        };
        let login = params.get("LoginSettings").unwrap_or(&Value::Null);
        let key_ids = self.login_keys(login, &image_id)?;
        let system_disk_type = check_disk_type(
            &text_at(params, &["SystemDisk", "DiskType"]).unwrap_or_default(),
            SYSTEM_DISK_TYPES,
            "SystemDisk.DiskType",
        )?;
        let data_disks: Vec<&Value> = params
            .get("DataDisks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect();
        let data_disk_types = data_disks
            .iter()
            .enumerate()
            .map(|(n, d)| {
                check_disk_type(
                    &text_at(d, &["DiskType"]).unwrap_or_default(),
                    DATA_DISK_TYPES,
                    &format!("DataDisks.{n}.DiskType"),
                )
            })
            .collect::<Result<Vec<String>, Outcome>>()?;
        let security_group_ids = strings(params, "SecurityGroupIds");
        self.check_security_groups(&security_group_ids)?;
        let tags = params
            .get("TagSpecification")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|spec| {
                spec.get("Tags")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            })
            .map(|t| {
                Tag::new(
                    &param(&t, "Key").unwrap_or_default(),
                    &param(&t, "Value").unwrap_or_default(),
                )
            })
            .collect();
        let bandwidth =
            number(params, &["InternetAccessible", "InternetMaxBandwidthOut"]).unwrap_or(0);
        let internet = params.get("InternetAccessible").unwrap_or(&Value::Null);
        let no_public = boolean(internet, "PublicIpAssigned") == Some(false);
        let vpc = params.get("VirtualPrivateCloud").unwrap_or(&Value::Null);
        Ok(Instance {
            instance_name: text_at(params, &["InstanceName"]).unwrap_or_else(|| "未命名".into()),
            zone,
            instance_type: t.instance_type.clone(),
            cpu: t.cpu,
            memory: t.memory,
            image_id,
            instance_charge_type: text_at(params, &["InstanceChargeType"])
                .unwrap_or_else(|| "POSTPAID_BY_HOUR".into()),
            project_id: number(params, &["Placement", "ProjectId"]).unwrap_or(0),
            host_id: text_at(params, &["Placement", "HostId"]).unwrap_or_default(),
            dedicated_cluster_id: text_at(params, &["DedicatedClusterId"]).unwrap_or_default(),
            key_ids,
            security_group_ids,
            vpc_id: text_at(vpc, &["VpcId"]).unwrap_or_else(|| "vpc-mockdflt".into()),
            subnet_id: text_at(vpc, &["SubnetId"]).unwrap_or_else(|| "subnet-mockdflt".into()),
            internet_max_bandwidth_out: if no_public { 0 } else { bandwidth },
            tags,
            system_disk_size: number(params, &["SystemDisk", "DiskSize"]).unwrap_or(50),
            system_disk_type,
            data_disk_sizes: data_disks
                .iter()
                .map(|d| number(d, &["DiskSize"]).unwrap_or(0))
                .collect(),
            data_disk_types,
            cam_role_name: text_at(params, &["CamRoleName"]).unwrap_or_default(),
            disable_api_termination: flag(params, "DisableApiTermination"),
            ..Instance::default()
        })
    }

    /// RunInstances: one instance per InstanceCount, each with its own
    /// name, host name and (when given) its own PrivateIpAddresses entry.
    fn run_v3(&mut self, params: &Value, rid: &str) -> Result<Value, Outcome> {
        let template = self.template_v3(params)?;
        let count = count_param(params, "InstanceCount", 500, "InvalidParameterValue.Range")?;
        let vpc = params.get("VirtualPrivateCloud").unwrap_or(&Value::Null);
        let ips = strings(vpc, "PrivateIpAddresses");
        if !ips.is_empty() && ips.len() != count {
            return Err(Outcome::error(
                "InvalidParameterValue",
                format!(
                    "`VirtualPrivateCloud.PrivateIpAddresses` has {} addresses for {count} instances; give one per instance.",
                    ips.len()
                ),
            ));
        }
        for (n, ip) in ips.iter().enumerate() {
            let taken = self
                .instances
                .map
                .values()
                .any(|i| i.private_ip_address == *ip);
            if taken || ips.iter().skip(n + 1).any(|other| other == ip) {
                return Err(Outcome::error(
                    "VpcIpIsUsed",
                    format!("The private IP `{ip}` is in use or given twice."),
                ));
            }
        }
        // The IPs the instances will have, for HostName's `{IP}`.
        let next = self.instances.next_private_ips(count);
        let ips: Vec<String> = (0..count)
            .map(|n| ips.get(n).unwrap_or(&next[n]).clone())
            .collect();
        let host_names: Vec<String> = match text_at(params, &["HostName"]) {
            Some(pattern) => (0..count)
                .map(|n| numbered_host_name(&pattern, n, count, &ips[n]))
                .collect(),
            None => vec![String::new(); count],
        };
        let windows = self.is_windows(&template.image_id);
        for name in host_names.iter().filter(|name| !name.is_empty()) {
            check_host_name(name, windows)?;
        }
        if flag(params, "DryRun") {
            return Err(Outcome::error(
                "DryRunOperation",
                "The request would have succeeded; DryRun is set.",
            ));
        }
        let named = text_at(params, &["InstanceName"]);
        let instances = ips
            .into_iter()
            .zip(host_names)
            .enumerate()
            .map(|(n, (ip, host_name))| Instance {
                instance_name: named
                    .as_deref()
                    .map_or_else(|| "未命名".into(), |name| numbered_name(name, n, count)),
                private_ip_address: ip,
                host_name,
                ..template.clone()
            })
            .collect();
        let created = self.instances.create(instances, &super::now());
        self.instances.record(&created, "RunInstances", rid);
        Ok(json!({"InstanceIdSet": created}))
    }

    pub(super) fn instances_v3(
        &mut self,
        action: &str,
        params: &Value,
        rid: &str,
    ) -> Option<Outcome> {
        let result: Result<Value, Outcome> = match action {
            "RunInstances" => self.run_v3(params, rid),
            "DescribeInstances" | "DescribeInstancesStatus" => (|| {
                filters::exclusive(params, "InstanceIds", "InvalidParameter")?;
                let ids = filters::ids(params, "InstanceIds", MAX_BATCH)?;
                let filters = if action == "DescribeInstances" {
                    filters::parse(params, "Filters", &DESCRIBE)?
                } else {
                    Vec::new()
                };
                let page = filters::page(params, "Offset", "Limit")?;
                let (total, shown) = self.instances.describe(
                    |i| {
                        (ids.is_empty() || ids.contains(&i.instance_id))
                            && filters::matches(&filters, |n, v| instance_matches(i, n, v))
                    },
                    page,
                );
                Ok(if action == "DescribeInstances" {
                    let set: Vec<Value> = shown
                        .iter()
                        .map(|(i, op)| self.instance_v3(i, op.as_ref()))
                        .collect();
                    json!({"TotalCount": total, "InstanceSet": set})
                } else {
                    let set: Vec<Value> = shown.iter().map(|(i, _)| json!({"InstanceId": i.instance_id, "InstanceState": i.instance_state})).collect();
                    json!({"TotalCount": total, "InstanceStatusSet": set})
                })
            })(),
            "StopInstances" | "StartInstances" | "RebootInstances" | "TerminateInstances" => {
                (|| {
                    let ids = filters::required_ids(params, "InstanceIds", MAX_BATCH)?;
                    let instances = &mut self.instances;
                    match action {
                        "StopInstances" => {
                            instances.transition(&ids, &["RUNNING"], "STOPPING", "STOPPED")?
                        }
                        "StartInstances" => {
                            instances.transition(&ids, &["STOPPED"], "STARTING", "RUNNING")?
                        }
                        "RebootInstances" => {
                            instances.transition(&ids, &["RUNNING"], "REBOOTING", "RUNNING")?
                        }
                        _ => instances.terminate(&ids)?,
                    }
                    instances.record(&ids, action, rid);
                    Ok(json!({}))
                })()
            }
            _ => return None,
        };
        Some(match result {
            Ok(mut body) => {
                body["RequestId"] = json!(rid);
                Outcome::Reply(json!({ "Response": body }))
            }
            Err(e) => e,
        })
    }

    fn template_v2(&self, params: &Value) -> Result<Instance, Outcome> {
        let zone_id = param(params, "zoneId").unwrap_or_default();
        let zone = self
            .zones
            .iter()
            .find(|z| z.zone_id == zone_id)
            .ok_or_else(|| {
                Outcome::error(
                    "InvalidZone.MismatchRegion",
                    format!("The zone `{zone_id}` does not exist."),
                )
            })?;
        let image_id = param(params, "imageId").unwrap_or_default();
        self.find_image(&image_id)
            .ok_or_else(|| super::image_not_found(&image_id))?;
        let key_ids: Vec<String> = param(params, "keyId")
            .into_iter()
            .filter(|k| !k.is_empty())
            .collect();
        self.check_keys(&key_ids)?;
        Ok(Instance {
            instance_name: param(params, "instanceName").unwrap_or_else(|| "未命名".into()),
            zone: zone.zone.clone(),
            instance_type: param(params, "instanceType").unwrap_or_else(|| "CVM.S1".into()),
            cpu: number(params, &["cpu"]).unwrap_or(1),
            memory: number(params, &["mem"]).unwrap_or(1),
            image_id,
            instance_charge_type: "POSTPAID_BY_HOUR".into(),
            project_id: number(params, &["projectId"]).unwrap_or(0),
            key_ids,
            internet_max_bandwidth_out: number(params, &["bandwidth"]).unwrap_or(0),
            system_disk_size: number(params, &["rootSize"]).unwrap_or(20),
            system_disk_type: DISK_TYPE.into(),
            data_disk_sizes: number(params, &["storageSize"])
                .filter(|s| *s > 0)
                .into_iter()
                .collect(),
            ..Instance::default()
        })
    }

    pub(super) fn instances_v2(&mut self, action: &str, params: &Value) -> Option<Outcome> {
        let result: Result<Value, Outcome> = match action {
            "RunInstancesHour" | "RunInstances" => (|| {
                let mut template = self.template_v2(params)?;
                // Both docs: "linux实例密码必须8到16位…Windows 实例密码必须12到16位".
                if let Some(password) = param(params, "password") {
                    let windows = self.is_windows(&template.image_id);
                    let code = "InvalidParameter.PasswordNotConformSpecs";
                    Self::legacy_password(&password, windows, code)?;
                }
                if action == "RunInstances" {
                    template.instance_charge_type = "PREPAID".into();
                }
                let count = count_param(params, "goodsNum", 100, "InvalidParameterValue")?;
                let created = self.instances.create(vec![template; count], &super::now());
                Ok(json!({ "unInstanceIds": created }))
            })(),
            "DescribeInstances" => (|| {
                let ids = strings(params, "instanceIds");
                let ips = strings(params, "lanIps");
                let word = param(params, "searchWord");
                let status = param(params, "status");
                let project = param(params, "projectId");
                let zone = param(params, "zoneId").map(|id| {
                    self.zones
                        .iter()
                        .find(|z| z.zone_id == id)
                        .map(|z| z.zone.clone())
                        .unwrap_or(id)
                });
                let page = filters::page(params, "offset", "limit")?;
                let (total, shown) = self.instances.describe(
                    |i| {
                        (ids.is_empty() || ids.contains(&i.instance_id))
                            && (ips.is_empty()
                                || ips.contains(&i.private_ip_address)
                                || ips.contains(&i.public_ip_address))
                            && word
                                .as_ref()
                                .map_or(true, |w| i.instance_name.contains(w.as_str()))
                            && status.as_ref().map_or(true, |s| {
                                s.parse::<i64>().ok() == Some(legacy_status(&i.instance_state))
                            })
                            && project
                                .as_ref()
                                .map_or(true, |p| i.project_id.to_string() == *p)
                            && zone.as_ref().map_or(true, |z| i.zone == *z)
                    },
                    page,
                );
                let set: Vec<Value> = shown.iter().map(|(i, _)| self.instance_v2(i)).collect();
                Ok(json!({"totalCount": total, "instanceSet": set}))
            })(),
            "ReturnInstance" => {
                let id = param(params, "instanceId").unwrap_or_default();
                self.instances.remove(&[id]).map(|()| json!({}))
            }
            _ => return None,
        };
        Some(result.map_or_else(|e| e, legacy_ok))
    }
}
