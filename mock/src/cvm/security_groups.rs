//! Security groups: API 3.0's CVM binds existing groups to instances
//! (groups themselves are VPC's API); the legacy API also creates,
//! describes and deletes them.

use serde::Deserialize;
use serde_json::{json, Value};

use super::filters::{self, param, strings};
use super::{legacy_ok, CvmWorld};
use crate::Outcome;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct SecurityGroup {
    pub security_group_id: String,
    pub security_group_name: String,
    pub security_group_desc: String,
    pub project_id: i64,
    pub created_time: String,
}

impl SecurityGroup {
    pub fn new(id: &str, name: &str, description: &str) -> SecurityGroup {
        SecurityGroup {
            security_group_id: id.into(),
            security_group_name: name.into(),
            security_group_desc: description.into(),
            project_id: 0,
            created_time: "2024-01-01T00:00:00Z".into(),
        }
    }
}

/// CVM allows five security groups per instance.
const MAX_PER_INSTANCE: usize = 5;

const V3_ACTIONS: &[&str] = &["AssociateSecurityGroups", "DisassociateSecurityGroups"];
const V2_ACTIONS: &[&str] = &[
    "CreateSecurityGroup",
    "DescribeSecurityGroupEx",
    "DeleteSecurityGroup",
    "ModifySecurityGroupsOfInstance",
    "DescribeInstancesOfSecurityGroup",
];

impl CvmWorld {
    pub fn check_security_groups(&self, ids: &[String]) -> Result<(), Outcome> {
        match ids
            .iter()
            .find(|id| !self.security_groups.contains_key(*id))
        {
            Some(id) => Err(Outcome::error(
                "InvalidSecurityGroupId.NotFound",
                format!("The security group `{id}` does not exist."),
            )),
            None => Ok(()),
        }
    }

    fn members(&self, sg_id: &str) -> Vec<String> {
        self.instances
            .map
            .values()
            .filter(|i| i.security_group_ids.iter().any(|s| s == sg_id))
            .map(|i| i.instance_id.clone())
            .collect()
    }

    /// Sets `instance`'s groups, within CVM's limit.
    pub(super) fn set_groups(
        &mut self,
        instance: &str,
        groups: Vec<String>,
    ) -> Result<(), Outcome> {
        if groups.len() > MAX_PER_INSTANCE {
            return Err(Outcome::error(
                "LimitExceeded.AssociateUSGLimitExceeded",
                format!("An instance takes at most {MAX_PER_INSTANCE} security groups."),
            ));
        }
        if let Some(i) = self.instances.map.get_mut(instance) {
            i.security_group_ids = groups;
        }
        Ok(())
    }

    pub(super) fn security_groups_v3(
        &mut self,
        action: &str,
        params: &Value,
        rid: &str,
    ) -> Option<Outcome> {
        if !V3_ACTIONS.contains(&action) {
            return None;
        }
        let result = (|| {
            // One group per call, as documented.
            let groups = filters::required_ids(params, "SecurityGroupIds", 1)?;
            let instances = filters::required_ids(params, "InstanceIds", 100)?;
            self.check_security_groups(&groups)?;
            self.instances.check(&instances, &[])?;
            for id in &instances {
                let mut now = self
                    .instances
                    .map
                    .get(id)
                    .map(|i| i.security_group_ids.clone())
                    .unwrap_or_default();
                now.retain(|g| !groups.contains(g));
                if action == "AssociateSecurityGroups" {
                    now.extend(groups.iter().cloned());
                }
                self.set_groups(id, now)?;
            }
            self.instances.record(&instances, action, rid);
            Ok(Outcome::Reply(json!({"Response": {"RequestId": rid}})))
        })();
        Some(result.unwrap_or_else(|e| e))
    }

    pub(super) fn security_groups_v2(&mut self, action: &str, params: &Value) -> Option<Outcome> {
        if !V2_ACTIONS.contains(&action) {
            return None;
        }
        let result: Result<Value, Outcome> = (|| match action {
            "CreateSecurityGroup" => {
                self.serial = self.serial.wrapping_add(1);
                let id = format!("sg-{:08x}", 0x7367_0000u32.wrapping_add(self.serial));
                let mut group = SecurityGroup::new(
                    &id,
                    &param(params, "sgName").unwrap_or_default(),
                    &param(params, "sgRemark").unwrap_or_default(),
                );
                group.project_id = param(params, "projectId")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0);
                group.created_time = super::now();
                self.security_groups.insert(id.clone(), group.clone());
                Ok(
                    json!({"data": {"sgId": id, "sgName": group.security_group_name, "sgRemark": group.security_group_desc}}),
                )
            }
            "DescribeSecurityGroupEx" => {
                let project = param(params, "projectId");
                let sg_id = param(params, "sgId");
                let name = param(params, "sgName");
                let (page, limit) = filters::page(params, "offset", "limit")?;
                if param(params, "offset").is_some() && param(params, "offsetLine").is_some() {
                    return Err(Outcome::error(
                        "InvalidParameter",
                        "`offset` and `offsetLine` cannot be specified at the same time.",
                    ));
                }
                // `offset` counts pages; `offsetLine` counts rows.
                let start = match param(params, "offsetLine").and_then(|o| o.parse::<usize>().ok())
                {
                    Some(line) => line,
                    None => page.saturating_mul(limit),
                };
                let found: Vec<&SecurityGroup> = self
                    .security_groups
                    .values()
                    .filter(|g| {
                        project
                            .as_ref()
                            .map_or(true, |p| g.project_id.to_string() == *p)
                    })
                    .filter(|g| sg_id.as_ref().map_or(true, |s| g.security_group_id == *s))
                    .filter(|g| {
                        name.as_ref()
                            .map_or(true, |n| g.security_group_name.contains(n.as_str()))
                    })
                    .collect();
                let total = found.len();
                let detail: Vec<Value> = filters::window(found, (start, limit))
                    .into_iter()
                    .map(|g| json!({"sgId": g.security_group_id, "sgName": g.security_group_name,
                        "sgRemark": g.security_group_desc, "createTime": super::legacy_time(&g.created_time),
                        "projectId": g.project_id, "beAssociateCount": self.members(&g.security_group_id).len()}))
                    .collect();
                Ok(json!({"data": {"totalNum": total, "detail": detail}}))
            }
            "DeleteSecurityGroup" => {
                let id = param(params, "sgId").unwrap_or_default();
                self.check_security_groups(std::slice::from_ref(&id))?;
                if !self.members(&id).is_empty() {
                    return Err(Outcome::error(
                        "FailedOperation.SecurityGroupActionFailed",
                        format!("The security group `{id}` is bound to instances."),
                    ));
                }
                self.security_groups.remove(&id);
                Ok(json!({}))
            }
            "ModifySecurityGroupsOfInstance" => {
                let items = params
                    .get("instanceSet")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for item in &items {
                    let id = param(item, "instanceId").unwrap_or_default();
                    let groups = strings(item, "sgIds");
                    self.instances.check(std::slice::from_ref(&id), &[])?;
                    self.check_security_groups(&groups)?;
                    self.set_groups(&id, groups)?;
                }
                Ok(json!({}))
            }
            _ => {
                // DescribeInstancesOfSecurityGroup
                let id = param(params, "sgId").unwrap_or_default();
                self.check_security_groups(std::slice::from_ref(&id))?;
                let page = filters::page(params, "offset", "limit")?;
                let members = self.members(&id);
                let total = members.len();
                let data: Vec<Value> = filters::window(members, page)
                    .into_iter()
                    .map(|i| json!({"instanceId": i}))
                    .collect();
                Ok(json!({"totalCount": total, "data": data}))
            }
        })();
        Some(result.map_or_else(|e| e, legacy_ok))
    }
}
