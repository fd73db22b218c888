//! The API 3.0 actions that change an existing instance: reinstall
//! (ResetInstance), resize (ResetInstancesType), attributes
//! (ModifyInstancesAttribute) and passwords (ResetInstancesPassword); the
//! legacy ones are in `changes_v2.rs`. Every check runs before anything
//! changes; passwords are checked, never kept or shown.

use serde_json::{json, Value};

use super::filters::{self, boolean, flag, param, strings};
use super::instances::{disk_type, DISK_TYPE};
use super::login::{self, check_host_name, check_password};
use super::CvmWorld;
use crate::Outcome;

const V3_ACTIONS: &[&str] = &[
    "ResetInstance",
    "ResetInstancesType",
    "ModifyInstancesAttribute",
    "ResetInstancesPassword",
];

/// ResetInstance's documented state errors name every state but these.
pub(super) const REINSTALLABLE: &[&str] = &["RUNNING", "STOPPED"];
/// ResetInstancesType: a running instance is shut down normally first;
/// ForceStop only decides whether a failed shutdown is then forced
/// ("true：表示在正常关机失败后进行强制关机 false：表示在正常关机失败后不进行强制关机"),
/// and the mock's shutdowns never fail.
const RESIZABLE: &[&str] = &["RUNNING", "STOPPED"];
/// Likewise for ModifyInstancesAttribute.
pub(super) const MODIFIABLE: &[&str] = &["RUNNING", "STOPPED", "LAUNCH_FAILED"];

/// ModifyInstancesAttribute's attributes: "每次请求必须指定实例的一种属性用于修改".
/// CamRoleType goes with CamRoleName, AutoReboot with HostName.
const ATTRIBUTES: &[&str] = &[
    "InstanceName",
    "UserData",
    "SecurityGroups",
    "CamRoleName",
    "HostName",
    "DisableApiTermination",
    "EnableJumboFrame",
];

/// "可任意命名，但不得超过60个字符".
pub(super) const MAX_NAME: usize = 60;
/// "每次请求批量实例的上限为100".
const MAX_BATCH: usize = 100;
/// UserName: "不得超过64个字符".
const MAX_USER_NAME: usize = 64;

/// A required, non-empty string param.
pub(super) fn required(params: &Value, name: &str) -> Result<String, Outcome> {
    param(params, name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            Outcome::error(
                "MissingParameter",
                format!("The request is missing a required parameter `{name}`."),
            )
        })
}

/// Whether a param is given: present, not null, not an empty list.
fn given(params: &Value, name: &str) -> bool {
    match params.get(name) {
        None | Some(Value::Null) => false,
        Some(Value::Array(items)) => !items.is_empty(),
        Some(_) => true,
    }
}

/// The states an action takes whose doc allows a running instance only
/// with ForceStop: STOPPED, and RUNNING with it. ResetInstancesPassword:
/// "重置处于运行中状态的实例密码，需要设置关机参数`ForceStop`为`TRUE`";
/// AssociateInstancesKeyPairs (and Disassociate): "非强制关机场景下，仅支持对
/// STOPPED 状态实例进行绑定操作".
pub(super) fn stopped_or(force_stop: bool) -> &'static [&'static str] {
    if force_stop {
        &["RUNNING", "STOPPED"]
    } else {
        &["STOPPED"]
    }
}

pub(super) fn invalid(message: String) -> Outcome {
    Outcome::error("InvalidParameterValue", message)
}

/// What a reinstall changes.
pub(super) struct Reinstall {
    pub image_id: String,
    pub system_disk_size: Option<i64>,
    pub key_ids: Vec<String>,
    pub host_name: Option<String>,
}

impl CvmWorld {
    pub(super) fn runs_windows(&self, id: &str) -> bool {
        self.instances
            .map
            .get(id)
            .is_some_and(|i| self.is_windows(&i.image_id))
    }

    /// The image to reinstall `id` with: `image`, or the one it has.
    pub(super) fn reinstall_image(
        &self,
        id: &str,
        image: Option<String>,
    ) -> Result<String, Outcome> {
        match image.filter(|i| !i.is_empty()) {
            Some(image) => match self.find_image(&image) {
                Some(found) => Ok(found.image_id.clone()),
                None => Err(super::image_not_found(&image)),
            },
            None => Ok(self
                .instances
                .map
                .get(id)
                .map(|i| i.image_id.clone())
                .unwrap_or_default()),
        }
    }

    /// A reinstall keeps the system disk's type: "重装只支持修改系统盘的大小，
    /// 不能修改系统盘的类型". `kind` may name the type `id` has (an empty one
    /// names none).
    fn same_disk_type(&self, id: &str, kind: Option<String>) -> Result<(), Outcome> {
        let now = self
            .instances
            .map
            .get(id)
            .map_or(DISK_TYPE, |i| disk_type(Some(&i.system_disk_type)));
        match kind.filter(|k| !k.is_empty() && k != now) {
            Some(kind) => Err(invalid(format!(
                "A reinstall changes the system disk's size, not its type: the system disk of `{id}` is {now}, not {kind}."
            ))),
            None => Ok(()),
        }
    }

    /// A new system disk size for `id`: "系统盘大小只支持扩容不支持缩容".
    pub(super) fn grown_disk(
        &self,
        id: &str,
        size: Option<String>,
    ) -> Result<Option<i64>, Outcome> {
        let Some(text) = size else {
            return Ok(None);
        };
        let now = self.instances.map.get(id).map_or(0, |i| i.system_disk_size);
        match text.trim().parse::<i64>() {
            Ok(size) if size >= now => Ok(Some(size)),
            Ok(size) => Err(invalid(format!(
                "The system disk of `{id}` has {now} GB; it can grow, not shrink to {size} GB."
            ))),
            Err(_) => Err(invalid(format!(
                "The system disk size must be an integer, not `{text}`."
            ))),
        }
    }

    /// Installs `r` on `id`; a RUNNING instance starts again.
    pub(super) fn reinstall(&mut self, id: &str, r: Reinstall) {
        if let Some(i) = self.instances.map.get_mut(id) {
            i.image_id = r.image_id;
            if let Some(size) = r.system_disk_size {
                i.system_disk_size = size;
            }
            // The system disk is formatted: only the new login remains.
            i.key_ids = r.key_ids;
            if let Some(name) = r.host_name {
                i.host_name = name;
            }
        }
        self.instances.restart(&[id.to_owned()]);
    }

    /// ResetInstance: one RUNNING or STOPPED instance, another image (or
    /// the same), a larger system disk, and a new login.
    fn reset_instance(&mut self, params: &Value) -> Result<Vec<String>, Outcome> {
        let id = required(params, "InstanceId")?;
        let ids = vec![id.clone()];
        self.instances.check(&ids, REINSTALLABLE)?;
        let image_id = self.reinstall_image(&id, param(params, "ImageId"))?;
        let windows = self.is_windows(&image_id);
        let disk = params.get("SystemDisk").unwrap_or(&Value::Null);
        self.same_disk_type(&id, param(disk, "DiskType"))?;
        let system_disk_size = self.grown_disk(&id, param(disk, "DiskSize"))?;
        let login = params.get("LoginSettings").unwrap_or(&Value::Null);
        let key_ids = self.login_keys(login, &image_id)?;
        let host_name = param(params, "HostName");
        if let Some(name) = &host_name {
            check_host_name(name, windows)?;
        }
        let r = Reinstall {
            image_id,
            system_disk_size,
            key_ids,
            host_name,
        };
        self.reinstall(&id, r);
        Ok(ids)
    }

    /// ResetInstancesType: one RUNNING or STOPPED instance (a running one
    /// is stopped first, with or without ForceStop: see [`RESIZABLE`]) to a
    /// type of the catalog its zone sells; it ends RUNNING
    /// ("完成实例配置调整后，实例将自动显示为运行中，无需手动进行开机").
    fn resize(&mut self, params: &Value) -> Result<Vec<String>, Outcome> {
        // "本接口目前仅支持每次操作1个实例".
        let ids = filters::required_ids(params, "InstanceIds", 1)?;
        let name = required(params, "InstanceType")?;
        let t = self.find_type(&name)?.clone();
        self.instances.check(&ids, RESIZABLE)?;
        for id in &ids {
            let zone = self
                .instances
                .map
                .get(id)
                .map(|i| i.zone.clone())
                .unwrap_or_default();
            self.check_offered(&t, &zone)?;
        }
        for id in &ids {
            if let Some(i) = self.instances.map.get_mut(id) {
                i.instance_type = t.instance_type.clone();
                i.cpu = t.cpu;
                i.memory = t.memory;
            }
        }
        self.instances
            .transition(&ids, RESIZABLE, "STARTING", "RUNNING")?;
        Ok(ids)
    }

    /// ModifyInstancesAttribute: exactly one attribute for up to 100
    /// instances.
    fn modify(&mut self, params: &Value) -> Result<Vec<String>, Outcome> {
        let ids = filters::required_ids(params, "InstanceIds", MAX_BATCH)?;
        let named: Vec<&str> = ATTRIBUTES
            .iter()
            .copied()
            .filter(|a| given(params, a))
            .collect();
        let attribute = match named.as_slice() {
            [one] => *one,
            [] => {
                return Err(Outcome::error(
                    "MissingParameter",
                    format!(
                        "Give the one attribute to modify: one of {}.",
                        ATTRIBUTES.join(", ")
                    ),
                ))
            }
            several => {
                return Err(Outcome::error(
                    "InvalidParameter",
                    format!(
                        "One attribute can be modified per request; given: {}.",
                        several.join(", ")
                    ),
                ))
            }
        };
        self.instances.check(&ids, MODIFIABLE)?;
        let text = param(params, attribute).unwrap_or_default();
        match attribute {
            "InstanceName" => {
                if text.chars().count() > MAX_NAME {
                    return Err(Outcome::error(
                        "InvalidInstanceName.TooLong",
                        format!("An instance name has at most {MAX_NAME} characters."),
                    ));
                }
                self.each(&ids, |i| i.instance_name = text.clone());
            }
            "SecurityGroups" => {
                // "原本关联的安全组会被解绑": the list replaces the groups.
                let groups = strings(params, attribute);
                self.check_security_groups(&groups)?;
                for id in &ids {
                    self.set_groups(id, groups.clone())?;
                }
            }
            "HostName" => {
                for id in &ids {
                    check_host_name(&text, self.runs_windows(id))?;
                }
                self.each(&ids, |i| i.host_name = text.clone());
                // "修改主机名后实例会立即重启" unless AutoReboot is false.
                let reboot = boolean(params, "AutoReboot") != Some(false);
                if reboot {
                    let running: Vec<String> = ids
                        .iter()
                        .filter(|id| {
                            self.instances
                                .map
                                .get(*id)
                                .is_some_and(|i| i.instance_state == "RUNNING")
                        })
                        .cloned()
                        .collect();
                    self.instances
                        .transition(&running, &["RUNNING"], "REBOOTING", "RUNNING")?;
                }
            }
            "DisableApiTermination" => {
                let on = flag(params, attribute);
                self.each(&ids, |i| i.disable_api_termination = on);
            }
            // "传空值为解绑操作".
            "CamRoleName" => self.each(&ids, |i| i.cam_role_name = text.clone()),
            // UserData and EnableJumboFrame: nothing the world shows.
            _ => {}
        }
        Ok(ids)
    }

    pub(super) fn each(&mut self, ids: &[String], mut change: impl FnMut(&mut super::Instance)) {
        for id in ids {
            if let Some(i) = self.instances.map.get_mut(id) {
                change(i);
            }
        }
    }

    /// ResetInstancesPassword: STOPPED instances, RUNNING ones too with
    /// ForceStop (stopped, reset and started again); a batch with any
    /// Windows instance follows the Windows rules.
    fn reset_password(&mut self, params: &Value) -> Result<Vec<String>, Outcome> {
        let ids = filters::required_ids(params, "InstanceIds", MAX_BATCH)?;
        let password = required(params, "Password")?;
        let user = param(params, "UserName").unwrap_or_default();
        if user.chars().count() > MAX_USER_NAME {
            return Err(Outcome::error(
                "InvalidParameterValue.TooLong",
                format!("`UserName` has at most {MAX_USER_NAME} characters."),
            ));
        }
        self.instances
            .check(&ids, stopped_or(flag(params, "ForceStop")))?;
        let windows = ids.iter().any(|id| self.runs_windows(id));
        let (rule, user) = match (windows, user.is_empty()) {
            (true, true) => (&login::RESET_WINDOWS, "Administrator"),
            (true, false) => (&login::RESET_WINDOWS, user.as_str()),
            (false, _) => (&login::RESET_LINUX, user.as_str()),
        };
        check_password(
            &password,
            rule,
            user,
            "InvalidParameterValue.InvalidPassword",
        )?;
        self.instances.restart(&ids);
        Ok(ids)
    }

    pub(super) fn changes_v3(
        &mut self,
        action: &str,
        params: &Value,
        rid: &str,
    ) -> Option<Outcome> {
        if !V3_ACTIONS.contains(&action) {
            return None;
        }
        let changed = match action {
            "ResetInstance" => self.reset_instance(params),
            "ResetInstancesType" => self.resize(params),
            "ModifyInstancesAttribute" => self.modify(params),
            _ => self.reset_password(params),
        };
        Some(match changed {
            Ok(ids) => {
                self.instances.record(&ids, action, rid);
                Outcome::Reply(json!({"Response": {"RequestId": rid}}))
            }
            Err(e) => e,
        })
    }
}
