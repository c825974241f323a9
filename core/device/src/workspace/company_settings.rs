//! The company's settings on this device: checklist templates, geofence default, photo watermark.

use super::*;

/// An order type and its template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct TemplateView {
    pub order_type: OrderType,
    #[serde(flatten)]
    pub template: Template,
}

/// A team and its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct TeamView {
    pub id: String,
    #[serde(flatten)]
    pub team: settings::Team,
}

impl Workspace {
    pub(super) fn settings(&self) -> Result<Option<SettingsDoc>> {
        let Some(session) = self.session.as_ref() else {
            return Ok(None);
        };
        match self.store.load(&settings::settings_id(&session.tenant))? {
            Some((DocType::Settings, doc)) => Ok(Some(SettingsDoc::from_doc(&doc)?)),
            _ => Ok(None),
        }
    }

    /// The template in force for an order type: the tenant's, or the built-in default before
    /// the settings have been synced.
    pub fn template(&self, order_type: OrderType) -> Result<Template> {
        Ok(match self.settings()? {
            Some(s) => s.template(order_type),
            None => settings::default_template(order_type),
        })
    }

    pub fn templates(&self) -> Result<Vec<TemplateView>> {
        settings::ORDER_TYPES
            .iter()
            .map(|t| {
                Ok(TemplateView {
                    order_type: *t,
                    template: self.template(*t)?,
                })
            })
            .collect()
    }

    /// Administrators change an order type's template; orders created afterwards use it.
    pub fn save_template(
        &mut self,
        order_type: OrderType,
        template: &Template,
    ) -> Result<Vec<TemplateView>> {
        template.validate()?;
        self.change_settings(|doc| settings::put_template(doc, order_type, template))?;
        self.templates()
    }

    /// The tenant's settings document, which the server creates: edits wait for it.
    /// One edit of the company's settings document (administrators only, as the rules say).
    pub(super) fn change_settings(
        &mut self,
        edit: impl FnOnce(&mut AutoCommit) -> fieldops_domain::error::Result<()>,
    ) -> Result<()> {
        let id = self.settings_doc_id()?;
        self.change(DocType::Settings, Some(&id), |doc, _| {
            edit(doc)?;
            Ok(id.clone())
        })?;
        Ok(())
    }

    pub(super) fn settings_doc_id(&self) -> Result<String> {
        let tenant = &self
            .session
            .as_ref()
            .ok_or(DeviceError::NotSignedIn)?
            .tenant;
        let id = settings::settings_id(tenant);
        if self.store.load(&id)?.is_none() {
            return Err(DeviceError::refused(Refusal::SettingsNotSynced));
        }
        Ok(id)
    }

    /// The geofence radius of sites that set none (administrators change it).
    pub fn geofence_default(&self) -> Result<i64> {
        Ok(self
            .settings()?
            .map_or(crate::geo::DEFAULT_GEOFENCE_M, |s| s.geofence_default()))
    }

    /// Whether the company has site photos watermarked (administrators decide).
    pub fn photo_watermark(&self) -> Result<bool> {
        Ok(self
            .settings()?
            .and_then(|s| s.photo_watermark)
            .unwrap_or(false))
    }

    pub fn set_photo_watermark(&mut self, on: bool) -> Result<bool> {
        self.change_settings(|doc| settings::set_photo_watermark(doc, on))?;
        self.photo_watermark()
    }

    /// Whether customers' tracking pages show the technician's mobile number (administrators
    /// decide).
    pub fn portal_shows_phone(&self) -> Result<bool> {
        Ok(self
            .settings()?
            .and_then(|s| s.portal_shows_phone)
            .unwrap_or(false))
    }

    pub fn set_portal_shows_phone(&mut self, on: bool) -> Result<bool> {
        self.change_settings(|doc| settings::set_portal_shows_phone(doc, on))?;
        self.portal_shows_phone()
    }

    pub fn set_geofence_default(&mut self, radius_m: i64) -> Result<i64> {
        crate::geo::check_radius(radius_m)?;
        self.change_settings(|doc| settings::set_geofence_default(doc, radius_m))?;
        self.geofence_default()
    }
}

impl Workspace {
    /// The company's response targets (none set: all empty).
    pub fn response_targets(&self) -> Result<settings::ResponseTargets> {
        Ok(self
            .settings()?
            .and_then(|s| s.response_targets)
            .unwrap_or_default())
    }

    /// The company's teams, by name.
    pub fn teams(&self) -> Result<Vec<TeamView>> {
        let mut teams: Vec<TeamView> = self
            .settings()?
            .map(|s| s.teams)
            .unwrap_or_default()
            .into_iter()
            .map(|(id, team)| TeamView { id, team })
            .collect();
        teams.sort_by(|a, b| a.team.name.cmp(&b.team.name).then(a.id.cmp(&b.id)));
        Ok(teams)
    }

    /// Administrators make a team (no id) or change one; every team is returned.
    pub fn save_team(&mut self, id: Option<&str>, team: &settings::Team) -> Result<Vec<TeamView>> {
        team.validate()?;
        let team_id = match id {
            Some(id) => {
                crate::model::check_id("team", id)?;
                id.to_string()
            }
            None => crate::model::new_id(),
        };
        self.change_settings(|doc| settings::put_team(doc, &team_id, team))?;
        self.teams()
    }

    /// Administrators remove a team; its people stay.
    pub fn remove_team(&mut self, id: &str) -> Result<Vec<TeamView>> {
        self.change_settings(|doc| settings::remove_team(doc, id))?;
        self.teams()
    }

    /// The tiles this device's maps draw on: the company's service, else one the device was
    /// started with (FIELDOPS_TILE_URL, in FIELDOPS_TILE_CRS: wgs84 or gcj02); None: the
    /// offline base map only.
    pub fn tile_service(&self) -> Result<Option<settings::TileService>> {
        if let Some(t) = self.settings()?.and_then(|s| s.tile_service) {
            return Ok(Some(t));
        }
        let from_env = std::env::var("FIELDOPS_TILE_URL")
            .ok()
            .map(|url| settings::TileService {
                url,
                crs: std::env::var("FIELDOPS_TILE_CRS")
                    .ok()
                    .and_then(|c| crate::model::enum_from_name(&c))
                    .unwrap_or_default(),
                attribution: String::new(),
            });
        Ok(from_env.filter(|t| t.validate().is_ok()))
    }

    /// Administrators set the company's tile service (or remove it with None).
    pub fn set_tile_service(
        &mut self,
        service: Option<&settings::TileService>,
    ) -> Result<Option<settings::TileService>> {
        let service = service.map(|s| settings::TileService {
            url: s.url.trim().to_string(),
            crs: s.crs,
            attribution: s.attribution.trim().to_string(),
        });
        if let Some(s) = &service {
            s.validate()?;
        }
        self.change_settings(|doc| settings::set_tile_service(doc, service.as_ref()))?;
        self.tile_service()
    }

    /// The working day the schedule measures against (08:00–18:00 until an administrator
    /// sets it).
    pub fn work_day(&self) -> Result<settings::WorkDay> {
        Ok(self
            .settings()?
            .and_then(|s| s.work_day)
            .unwrap_or_default())
    }

    pub fn set_work_day(&mut self, day: &settings::WorkDay) -> Result<settings::WorkDay> {
        day.validate()?;
        self.change_settings(|doc| settings::set_work_day(doc, day))?;
        self.work_day()
    }

    /// The company's name as its documents print it: the profile's, else the tenant's id.
    pub fn company_name(&self) -> String {
        match self.company_profile() {
            Ok(p) if !p.name.is_empty() => p.name,
            _ => self.session().map(|s| s.tenant.clone()).unwrap_or_default(),
        }
    }

    /// What the company's documents print about it (empty until an administrator sets it).
    pub fn company_profile(&self) -> Result<settings::CompanyProfile> {
        Ok(self.settings()?.and_then(|s| s.company).unwrap_or_default())
    }

    /// Administrators set the company's name, address, phone and logo. A new logo may be any
    /// JPEG, PNG or WebP (Base64); it is scaled to fit and stored as PNG.
    pub fn set_company_profile(
        &mut self,
        profile: &settings::CompanyProfile,
    ) -> Result<settings::CompanyProfile> {
        use base64::Engine;
        let current = self.company_profile()?;
        let mut profile = profile.clone();
        profile.name = profile.name.trim().to_string();
        profile.address = profile.address.trim().to_string();
        profile.phone = profile.phone.trim().to_string();
        if !profile.logo_png_base64.is_empty() && profile.logo_png_base64 != current.logo_png_base64
        {
            const MAX_LOGO_FILE: usize = 10 * 1024 * 1024;
            if profile.logo_png_base64.len() > MAX_LOGO_FILE / 3 * 4 + 8 {
                return Err(DeviceError::refused(Refusal::FileTooLarge { max_mb: 10 }));
            }
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(profile.logo_png_base64.trim())
                .map_err(|_| DeviceError::invalid("the logo is not valid base64"))?;
            let png = crate::photo::logo(&bytes)?;
            profile.logo_png_base64 = base64::engine::general_purpose::STANDARD.encode(png);
        }
        profile.validate()?;
        self.change_settings(|doc| settings::set_company_profile(doc, &profile))?;
        self.company_profile()
    }

    /// Administrators set how soon orders should be dispatched, accepted, reached and done.
    pub fn set_response_targets(
        &mut self,
        targets: &settings::ResponseTargets,
    ) -> Result<settings::ResponseTargets> {
        targets.validate()?;
        self.change_settings(|doc| settings::set_response_targets(doc, targets))?;
        self.response_targets()
    }
}
