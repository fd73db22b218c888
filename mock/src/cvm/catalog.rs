//! What the world offers: regions, zones, instance types and images, as
//! plain records (seedable from code or JSON) and their reply shapes.

use serde::Deserialize;
use serde_json::{json, Value};

use super::filters::Tag;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct Region {
    /// `ap-guangzhou`.
    pub region: String,
    pub region_name: String,
    /// The legacy API's short code (`gz`).
    pub legacy_region: String,
    pub region_state: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct Zone {
    /// `ap-guangzhou-2`.
    pub zone: String,
    pub zone_name: String,
    /// The numeric id the legacy API uses (`100002`).
    pub zone_id: String,
    pub region: String,
    pub zone_state: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct InstanceType {
    /// `S2.MEDIUM4`.
    pub instance_type: String,
    /// `S2`.
    pub instance_family: String,
    /// `标准型S2`.
    pub type_name: String,
    pub cpu: i64,
    /// In GB.
    pub memory: i64,
    pub gpu: i64,
    pub fpga: i64,
    pub cpu_type: String,
    pub frequency: String,
    /// The zones that sell it.
    pub zones: Vec<String>,
    /// `POSTPAID_BY_HOUR`, `PREPAID`, ...
    pub charge_types: Vec<String>,
    /// `SELL` or `SOLD_OUT`.
    pub status: String,
    /// Pay-by-hour price per hour; monthly is 720 hours at 80 %.
    pub hourly_price: f64,
    pub instance_bandwidth: f64,
    pub instance_pps: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct Image {
    pub image_id: String,
    pub image_name: String,
    pub image_description: String,
    /// `PUBLIC_IMAGE`, `PRIVATE_IMAGE` or `SHARED_IMAGE`.
    pub image_type: String,
    pub os_name: String,
    /// `CentOS`, `Ubuntu`, `Windows`, ...
    pub platform: String,
    pub architecture: String,
    pub image_size: i64,
    pub image_state: String,
    pub created_time: String,
    pub tags: Vec<Tag>,
    pub dedicated_cluster_id: String,
    pub cdc_cache_status: String,
}

impl Region {
    pub fn new(region: &str, name: &str, legacy: &str) -> Region {
        Region {
            region: region.into(),
            region_name: name.into(),
            legacy_region: legacy.into(),
            region_state: "AVAILABLE".into(),
        }
    }

    pub fn to_v3(&self) -> Value {
        json!({"Region": self.region, "RegionName": self.region_name, "RegionState": self.region_state})
    }
}

impl Zone {
    pub fn new(zone: &str, name: &str, id: &str) -> Zone {
        Zone {
            zone: zone.into(),
            zone_name: name.into(),
            zone_id: id.into(),
            region: zone.rsplit_once('-').map_or(zone, |(r, _)| r).into(),
            zone_state: "AVAILABLE".into(),
        }
    }

    pub fn to_v3(&self) -> Value {
        json!({"Zone": self.zone, "ZoneName": self.zone_name, "ZoneId": self.zone_id, "ZoneState": self.zone_state})
    }
}

impl InstanceType {
    /// A pay-by-hour and monthly type of `family`, sold in `zones`.
    pub fn new(instance_type: &str, cpu: i64, memory: i64, zones: &[&str]) -> InstanceType {
        let family = instance_type.split('.').next().unwrap_or(instance_type);
        InstanceType {
            instance_type: instance_type.into(),
            instance_family: family.into(),
            type_name: format!("标准型{family}"),
            cpu,
            memory,
            cpu_type: "Intel Xeon Cascade Lake 8255C".into(),
            frequency: "2.5GHz/3.1GHz".into(),
            zones: zones.iter().map(|z| z.to_string()).collect(),
            charge_types: vec!["POSTPAID_BY_HOUR".into(), "PREPAID".into()],
            status: "SELL".into(),
            hourly_price: (((cpu as f64) * 0.08 + (memory as f64) * 0.03) * 100.0).round() / 100.0,
            instance_bandwidth: 1.5 * cpu as f64,
            instance_pps: 25 * cpu,
            ..InstanceType::default()
        }
    }

    /// `InstanceTypeConfig` in `zone`.
    pub fn config(&self, zone: &str) -> Value {
        json!({
            "Zone": zone, "InstanceType": self.instance_type,
            "InstanceFamily": self.instance_family, "GPU": self.gpu, "CPU": self.cpu,
            "Memory": self.memory, "FPGA": self.fpga, "GpuCount": self.gpu as f64,
        })
    }

    /// `InstanceTypeQuotaItem` in `zone` for `charge_type`.
    pub fn quota_item(&self, zone: &str, charge_type: &str) -> Value {
        let hourly = charge_type != "PREPAID";
        let month = (self.hourly_price * 720.0 * 0.8 * 100.0).round() / 100.0;
        let price = if hourly {
            json!({"UnitPrice": self.hourly_price, "UnitPriceDiscount": self.hourly_price,
                   "Discount": 100.0, "ChargeUnit": "HOUR"})
        } else {
            json!({"OriginalPrice": month, "DiscountPrice": month, "Discount": 100.0,
                   "ChargeUnit": "MONTH"})
        };
        json!({
            "Zone": zone, "InstanceType": self.instance_type,
            "InstanceChargeType": charge_type, "NetworkCard": 0, "Externals": {},
            "Cpu": self.cpu, "Memory": self.memory, "InstanceFamily": self.instance_family,
            "TypeName": self.type_name, "LocalDiskTypeList": [], "Status": self.status,
            "Price": price,
            "SoldOutReason": if self.status == "SELL" { "" } else { "Sold out" },
            "InstanceBandwidth": self.instance_bandwidth, "InstancePps": self.instance_pps,
            "StorageBlockAmount": 0, "CpuType": self.cpu_type, "Gpu": self.gpu,
            "Fpga": self.fpga, "Remark": "", "GpuCount": self.gpu as f64,
            "Frequency": self.frequency,
            "StatusCategory": if self.status == "SELL" { "EnoughStock" } else { "WithoutStock" },
        })
    }
}

impl Image {
    /// A public x86_64 image.
    pub fn public(image_id: &str, name: &str, platform: &str) -> Image {
        Image {
            image_id: image_id.into(),
            image_name: name.into(),
            image_description: name.into(),
            image_type: "PUBLIC_IMAGE".into(),
            os_name: name.into(),
            platform: platform.into(),
            architecture: "x86_64".into(),
            image_size: 50,
            image_state: "NORMAL".into(),
            created_time: "2024-01-01T00:00:00Z".into(),
            ..Image::default()
        }
    }

    /// Whether the image is Windows (`Platform`), which has no key login
    /// and its own password and host name rules.
    pub fn is_windows(&self) -> bool {
        self.platform == "Windows"
    }

    /// Whether it is a public image (`PUBLIC_IMAGE`), not a custom, shared
    /// or imported one.
    pub fn is_public(&self) -> bool {
        self.image_type == "PUBLIC_IMAGE"
    }

    pub fn to_v3(&self) -> Value {
        let creator = if self.is_public() { "" } else { "100000000001" };
        json!({
            "ImageId": self.image_id, "OsName": self.os_name, "ImageType": self.image_type,
            "CreatedTime": self.created_time, "ImageName": self.image_name,
            "ImageDescription": self.image_description, "ImageSize": self.image_size,
            "Architecture": self.architecture, "ImageState": self.image_state,
            "Platform": self.platform, "ImageCreator": creator,
            "ImageSource": if self.is_public() { "OFFICIAL" } else { "CREATE_IMAGE" },
            "SyncPercent": null, "IsSupportCloudinit": true, "SnapshotSet": [],
            "Tags": super::filters::tags_json(&self.tags), "LicenseType": "TencentCloud",
        })
    }

    /// The legacy `imageType`: 1 private, 2 public, 4 shared.
    pub fn legacy_type(&self) -> i64 {
        match self.image_type.as_str() {
            "PRIVATE_IMAGE" => 1,
            "SHARED_IMAGE" => 4,
            _ => 2,
        }
    }

    pub fn to_v2(&self) -> Value {
        json!({
            "unImgId": self.image_id, "imageName": self.image_name,
            "imageDescription": self.image_description, "imageType": self.legacy_type(),
            "osName": self.os_name, "createTime": super::legacy_time(&self.created_time),
            "creator": "", "status": if self.image_state == "NORMAL" { 2 } else { 1 },
        })
    }
}

/// The world a CVM mock starts with: three regions, five zones, the S1,
/// S2, S5, SA2 and M5 families, and five public images.
pub fn default_catalog() -> (Vec<Region>, Vec<Zone>, Vec<InstanceType>, Vec<Image>) {
    let regions = vec![
        Region::new("ap-guangzhou", "华南地区(广州)", "gz"),
        Region::new("ap-shanghai", "华东地区(上海)", "sh"),
        Region::new("ap-beijing", "华北地区(北京)", "bj"),
    ];
    let zones = vec![
        Zone::new("ap-guangzhou-2", "广州二区", "100002"),
        Zone::new("ap-guangzhou-3", "广州三区", "100003"),
        Zone::new("ap-guangzhou-6", "广州六区", "100006"),
        Zone::new("ap-shanghai-2", "上海二区", "200002"),
        Zone::new("ap-beijing-3", "北京三区", "800003"),
    ];
    let gz = ["ap-guangzhou-2", "ap-guangzhou-3"];
    let s2 = ["ap-guangzhou-2", "ap-guangzhou-3", "ap-shanghai-2"];
    let s5 = [
        "ap-guangzhou-3",
        "ap-guangzhou-6",
        "ap-shanghai-2",
        "ap-beijing-3",
    ];
    let mut types = vec![
        InstanceType::new("S1.SMALL1", 1, 1, &gz),
        InstanceType::new("S1.MEDIUM2", 2, 2, &gz),
        InstanceType::new("S2.SMALL1", 1, 1, &s2),
        InstanceType::new("S2.SMALL2", 1, 2, &s2),
        InstanceType::new("S2.MEDIUM4", 2, 4, &s2),
        InstanceType::new("S2.LARGE8", 4, 8, &s2),
        InstanceType::new("S5.MEDIUM4", 2, 4, &s5),
        InstanceType::new("S5.LARGE8", 4, 8, &s5),
        InstanceType::new("SA2.MEDIUM4", 2, 4, &["ap-guangzhou-6", "ap-beijing-3"]),
        InstanceType::new("M5.MEDIUM16", 2, 16, &["ap-guangzhou-3", "ap-beijing-3"]),
    ];
    for t in &mut types {
        if t.instance_family == "M5" {
            t.type_name = "内存型M5".into();
        }
        if t.instance_family == "SA2" {
            t.cpu_type = "AMD EPYC ROME".into();
            t.frequency = "2.6GHz/3.3GHz".into();
        }
        if t.instance_family == "S1" || t.instance_family == "S2" {
            t.cpu_type = "Intel Xeon E5-2680 v4".into();
            t.frequency = "2.4GHz".into();
        }
    }
    let images = vec![
        Image::public(
            "img-pmqg1cw7",
            "Windows Server 2016 数据中心版 64位中文版",
            "Windows",
        ),
        Image::public("img-l8og963d", "CentOS 7.9 64位", "CentOS"),
        Image::public("img-lkxqa4kj", "Ubuntu Server 20.04 LTS 64位", "Ubuntu"),
        Image::public("img-22trbn9x", "Ubuntu Server 22.04 LTS 64位", "Ubuntu"),
        Image::public("img-9qrfy1xt", "TencentOS Server 3.1 (TK4)", "TencentOS"),
    ];
    (regions, zones, types, images)
}
