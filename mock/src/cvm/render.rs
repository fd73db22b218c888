//! How instances show in Describe* replies of both families.

use serde_json::{json, Value};

use super::filters::tags_json;
use super::instances::{disk_type, legacy_status, Instance, Operation};
use super::{legacy_time, CvmWorld};

impl CvmWorld {
    pub(super) fn instance_v3(&self, i: &Instance, op: Option<&Operation>) -> Value {
        let os = self
            .find_image(&i.image_id)
            .map(|m| m.os_name.clone())
            .unwrap_or_default();
        let windows = self.is_windows(&i.image_id);
        let public: Vec<&str> = Some(i.public_ip_address.as_str())
            .filter(|p| !p.is_empty())
            .into_iter()
            .collect();
        let disk_id = format!("disk-{}", i.instance_id.trim_start_matches("ins-"));
        let data_disks: Vec<Value> = i
            .data_disk_sizes
            .iter()
            .enumerate()
            .map(|(n, size)| {
                let kind = disk_type(i.data_disk_types.get(n));
                json!({"DiskSize": size, "DiskType": kind, "DiskId": format!("{disk_id}{n}"),
                    "DeleteWithInstance": true, "Encrypt": false, "KmsKeyId": null})
            })
            .collect();
        let optional = |list: &[String]| {
            if list.is_empty() {
                Value::Null
            } else {
                json!(list)
            }
        };
        let mut shown = json!({
            "Placement": {"Zone": i.zone, "ProjectId": i.project_id, "HostId": i.host_id},
            "InstanceId": i.instance_id, "InstanceType": i.instance_type, "CPU": i.cpu,
            "Memory": i.memory, "RestrictState": "NORMAL", "InstanceName": i.instance_name,
            "InstanceChargeType": i.instance_charge_type,
            "SystemDisk": {"DiskType": disk_type(Some(&i.system_disk_type)), "DiskId": disk_id,
                "DiskSize": i.system_disk_size, "Encrypt": false, "KmsKeyId": ""},
            "DataDisks": data_disks,
            "PrivateIpAddresses": [i.private_ip_address], "PublicIpAddresses": public,
            "InternetAccessible": {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR",
                "InternetMaxBandwidthOut": i.internet_max_bandwidth_out, "PublicIpAssigned": !public.is_empty()},
            "VirtualPrivateCloud": {"VpcId": i.vpc_id, "SubnetId": i.subnet_id, "AsVpcGateway": false},
            "ImageId": i.image_id,
            "RenewFlag": if i.instance_charge_type == "PREPAID" { "NOTIFY_AND_MANUAL_RENEW" } else { "" },
            "CreatedTime": i.created_time, "ExpiredTime": "", "OsName": os,
            "SecurityGroupIds": i.security_group_ids,
            "LoginSettings": {"KeyIds": optional(&i.key_ids)},
            "InstanceState": i.instance_state, "Tags": tags_json(&i.tags),
        });
        let rest = json!({
            "StopChargingMode": "NOT_APPLICABLE", "Uuid": i.uuid,
            "LatestOperation": op.map(|o| o.action.as_str()),
            "LatestOperationState": op.map(|o| o.state),
            "LatestOperationRequestId": op.map(|o| o.request_id.as_str()),
            "DisasterRecoverGroupId": "", "IPv6Addresses": optional(&i.ipv6_addresses),
            "CamRoleName": Some(&i.cam_role_name).filter(|r| !r.is_empty()),
            "HpcClusterId": "", "RdmaIpAddresses": null,
            "DedicatedClusterId": i.dedicated_cluster_id, "IsolatedSource": "NOTISOLATED",
            "DisasterRecoverGroupIds": [], "LicenseType": "TencentCloud",
            "DisableApiTermination": i.disable_api_termination,
            "HostName": if i.host_name.is_empty() {
                format!("VM-{}", i.private_ip_address.replace('.', "-"))
            } else {
                i.host_name.clone()
            },
            "DefaultLoginUser": if windows { "Administrator" } else { "root" },
            "DefaultLoginPort": if windows { 3389 } else { 22 }, "LatestOperationErrorMsg": null,
        });
        if let (Some(shown), Value::Object(rest)) = (shown.as_object_mut(), rest) {
            shown.extend(rest);
        }
        shown
    }

    pub(super) fn instance_v2(&self, i: &Instance) -> Value {
        let zone = self.zones.iter().find(|z| z.zone == i.zone);
        let region = zone
            .and_then(|z| self.regions.iter().find(|r| r.region == z.region))
            .map(|r| r.legacy_region.clone())
            .unwrap_or_default();
        let wan: Vec<&str> = Some(i.public_ip_address.as_str())
            .filter(|p| !p.is_empty())
            .into_iter()
            .collect();
        json!({
            "instanceName": i.instance_name, "unInstanceId": i.instance_id, "lanIp": i.private_ip_address,
            "wanIpSet": wan, "cpu": i.cpu, "mem": i.memory, "bandwidth": i.internet_max_bandwidth_out,
            "unImgId": i.image_id, "status": legacy_status(&i.instance_state), "Region": region,
            "createTime": legacy_time(&i.created_time), "deadlineTime": "", "autoRenew": 0,
            "projectId": i.project_id,
            "os": self.find_image(&i.image_id).map(|m| m.os_name.clone()).unwrap_or_default(),
            "cvmPayMode": if i.instance_charge_type == "PREPAID" { 1 } else { 2 }, "networkPayMode": 2,
            "zoneId": zone.and_then(|z| z.zone_id.parse::<i64>().ok()).unwrap_or_default(),
            "zoneName": zone.map(|z| z.zone_name.clone()).unwrap_or_default(),
            "vpcId": 0, "subnetId": 0, "isVpcGateway": 0,
            "diskInfo": {"storageId": "", "storageType": 2,
                "storageSize": i.data_disk_sizes.first().copied().unwrap_or(0),
                "rootId": format!("disk-{}", i.instance_id.trim_start_matches("ins-")), "rootSize": i.system_disk_size, "rootType": 2},
        })
    }
}
