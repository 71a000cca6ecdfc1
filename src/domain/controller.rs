use super::Email;

/// The controller's facts, from SOFACTO's privacy policy: shown on the
/// pages, signed under every email. Only the DPO address is configurable
/// (`PORTAL_DPO_EMAIL`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Controller {
    pub name: &'static str,
    /// Street, postcode and city.
    pub address: &'static str,
    pub country: &'static str,
    /// "RCS Montpellier 810 193 177".
    pub registration: &'static str,
    pub dpo_email: Email,
    /// Where a complaint to the supervisory authority is lodged.
    pub complaint_url: &'static str,
    /// The portal's own privacy notice, as an absolute link (emails carry it).
    pub notice_url: String,
}

pub const CNIL_COMPLAINT_URL: &str = "https://www.cnil.fr/fr/agir";

impl Controller {
    pub fn sofacto(dpo_email: Email, notice_url: String) -> Self {
        Controller {
            name: "SOFACTO SAS",
            address: "256 rue de Thor, 34000 Montpellier",
            country: "France",
            registration: "RCS Montpellier 810 193 177",
            dpo_email,
            complaint_url: CNIL_COMPLAINT_URL,
            notice_url,
        }
    }
}
