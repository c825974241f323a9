//! The domain's error, and the stable codes every FieldOps error travels with (device, server
//! and UI alike). Programs match on an `ErrorCode` value; people read the UI's translation of it.

use serde::{Deserialize, Serialize};

use crate::model::order::Status;
use crate::model::part_request::RequestStatus;

/// Every code a FieldOps error can carry across IPC and HTTP; docs/PROTOCOL.md lists them.
/// Serialised as the snake_case strings of the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // Rules of the domain.
    InvalidInput,
    NotFound,
    Forbidden,
    CorruptDocument,
    CorruptChanges,
    Crdt,
    // The device.
    NotSignedIn,
    Storage,
    Network,
    // The sync server's answers.
    BadRequest,
    Unauthorized,
    InvalidToken,
    TokenExpired,
    BadCredentials,
    Conflict,
    TooLarge,
    ConcurrentWrite,
    InvalidDocument,
    UnknownDocType,
    InvalidChanges,
    WrongDocType,
    MissingDependencies,
    ForeignActor,
    OutOfScope,
    Busy,
    /// Too many wrong sign-ins for this login or from this address: wait, then try again.
    TooManyAttempts,
    InvalidBlob,
    InvalidHash,
    HashMismatch,
    /// The administrator cut this device off: it must wipe its local copy (see `Refusal`-free
    /// `keep_unsent` in the sync response) and sign in again as a new device.
    DeviceRevoked,
    /// The one-time setup link was used already or is not this server's.
    SetupLinkInvalid,
    /// An invitation's link was used already, has expired, or was replaced by a newer one.
    InvitationLinkInvalid,
    /// A code this build does not know (a newer server): shown as a generic failure.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The protocol's string for this code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CorruptDocument => "corrupt_document",
            ErrorCode::CorruptChanges => "corrupt_changes",
            ErrorCode::Crdt => "crdt",
            ErrorCode::NotSignedIn => "not_signed_in",
            ErrorCode::Storage => "storage",
            ErrorCode::Network => "network",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::BadCredentials => "bad_credentials",
            ErrorCode::Conflict => "conflict",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::ConcurrentWrite => "concurrent_write",
            ErrorCode::InvalidDocument => "invalid_document",
            ErrorCode::UnknownDocType => "unknown_doc_type",
            ErrorCode::InvalidChanges => "invalid_changes",
            ErrorCode::WrongDocType => "wrong_doc_type",
            ErrorCode::MissingDependencies => "missing_dependencies",
            ErrorCode::ForeignActor => "foreign_actor",
            ErrorCode::OutOfScope => "out_of_scope",
            ErrorCode::Busy => "busy",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::InvalidBlob => "invalid_blob",
            ErrorCode::InvalidHash => "invalid_hash",
            ErrorCode::HashMismatch => "hash_mismatch",
            ErrorCode::DeviceRevoked => "device_revoked",
            ErrorCode::SetupLinkInvalid => "setup_link_invalid",
            ErrorCode::InvitationLinkInvalid => "invitation_link_invalid",
            ErrorCode::Unknown => "unknown",
        }
    }

    /// A session that is no longer valid: the person must sign in again.
    pub fn ends_session(self) -> bool {
        matches!(
            self,
            ErrorCode::InvalidToken | ErrorCode::TokenExpired | ErrorCode::DeviceRevoked
        )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A field a person types, named so the UI can say which one in the person's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    ChineseName,
    EnglishName,
    Sku,
    Address,
    Barcode,
    CategoryName,
    ChargeDescription,
    ChecklistItem,
    Comment,
    Company,
    CompatibleModel,
    CostDescription,
    CustomerName,
    Description,
    EquipmentName,
    EventText,
    LocationName,
    Login,
    Model,
    Note,
    Notes,
    OrderNumber,
    Phone,
    PhotoCaption,
    ProjectCode,
    ProjectName,
    Reason,
    Resolution,
    SerialNumber,
    Signer,
    SiteAddress,
    Region,
    SiteName,
    Unit,
    EndDate,
    From,
    InstallationDate,
    StartDate,
    To,
    WarrantyEnd,
    Latitude,
    Longitude,
    Accuracy,
    Altitude,
    Password,
    PersonName,
    ContactRole,
    TileUrl,
    Attribution,
    PlanName,
    TeamName,
    TeamMembers,
    Interval,
    DaysAhead,
    DurationMinutes,
    WarnBefore,
    RepeatEvery,
    Target,
    Email,
    SmtpHost,
    SmtpPort,
    Sender,
    WebhookUrl,
    Secret,
    Recurrence,
    PreferredTime,
    Title,
    Body,
    Tag,
    FaultCode,
    Symptom,
    Cause,
    Step,
    FileName,
}

impl Field {
    /// The field's name in English, for messages in logs and command-line tools.
    pub fn words(self) -> &'static str {
        match self {
            Field::ChineseName => "Chinese name",
            Field::EnglishName => "English name",
            Field::Sku => "SKU",
            Field::Address => "address",
            Field::Barcode => "barcode",
            Field::CategoryName => "category name",
            Field::ChargeDescription => "charge description",
            Field::ChecklistItem => "checklist item",
            Field::Comment => "comment",
            Field::Company => "company",
            Field::CompatibleModel => "compatible model",
            Field::CostDescription => "cost description",
            Field::CustomerName => "customer name",
            Field::Description => "description",
            Field::EquipmentName => "equipment name",
            Field::EventText => "event text",
            Field::LocationName => "location name",
            Field::Login => "login",
            Field::Model => "model",
            Field::Note => "note",
            Field::Notes => "notes",
            Field::OrderNumber => "order number",
            Field::Phone => "phone",
            Field::PhotoCaption => "photo caption",
            Field::ProjectCode => "project code",
            Field::ProjectName => "project name",
            Field::Reason => "reason",
            Field::Resolution => "resolution",
            Field::SerialNumber => "serial number",
            Field::Signer => "signer",
            Field::SiteAddress => "site address",
            Field::Region => "region",
            Field::SiteName => "site name",
            Field::Unit => "unit",
            Field::EndDate => "end date",
            Field::From => "from",
            Field::InstallationDate => "installation date",
            Field::StartDate => "start date",
            Field::To => "to",
            Field::WarrantyEnd => "warranty end",
            Field::Latitude => "latitude",
            Field::Longitude => "longitude",
            Field::Accuracy => "accuracy (m)",
            Field::Altitude => "altitude (m)",
            Field::Password => "password",
            Field::PersonName => "name",
            Field::PlanName => "plan name",
            Field::TeamName => "team name",
            Field::TeamMembers => "team members",
            Field::Interval => "interval",
            Field::DaysAhead => "days ahead",
            Field::DurationMinutes => "duration (minutes)",
            Field::WarnBefore => "warn before",
            Field::RepeatEvery => "repeat every",
            Field::Target => "target (minutes)",
            Field::Email => "e-mail address",
            Field::ContactRole => "contact's role",
            Field::TileUrl => "tile URL",
            Field::Attribution => "attribution",
            Field::SmtpHost => "SMTP server",
            Field::SmtpPort => "SMTP port",
            Field::Sender => "sender address",
            Field::WebhookUrl => "webhook address",
            Field::Secret => "signing secret",
            Field::Recurrence => "recurrence rule",
            Field::PreferredTime => "preferred time",
            Field::Title => "title",
            Field::Body => "text",
            Field::Tag => "tag",
            Field::FaultCode => "fault code",
            Field::Symptom => "symptom",
            Field::Cause => "cause",
            Field::Step => "step",
            Field::FileName => "file name",
        }
    }
}

/// What is wrong with what was typed into a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    Required,
    TooLong {
        max: u32,
    },
    TooShort {
        min: u32,
    },
    ControlCharacters,
    NotADate,
    /// A number (or no number at all) outside `min..=max`.
    OutOfRange {
        min: i32,
        max: i32,
    },
    /// Not of the form the field needs (an e-mail address, an http(s) address).
    Malformed,
}

/// A refused field and why: the parameters the UI needs to say it in the person's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct FieldProblem {
    pub field: Field,
    pub problem: Problem,
}

impl std::fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let field = self.field.words();
        match self.problem {
            Problem::Required => write!(f, "{field} is required"),
            Problem::TooLong { max } => write!(f, "{field} is longer than {max} characters"),
            Problem::TooShort { min } => write!(f, "{field} needs at least {min} characters"),
            Problem::ControlCharacters => write!(f, "{field} contains control characters"),
            Problem::NotADate => write!(f, "{field} is not a date (YYYY-MM-DD)"),
            Problem::Malformed => write!(f, "{field} is not well formed"),
            Problem::OutOfRange { min, max } => {
                write!(f, "{field} is not a number from {min} to {max}")
            }
        }
    }
}

/// A request refused by a rule, with the parameters the UI needs to say it in the person's
/// language and what to do next. (Rules not yet listed here refuse with `Invalid` and an
/// English sentence.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    /// Completion waits for these required checklist items (their labels).
    ChecklistIncomplete {
        items: Vec<String>,
    },
    /// The order has moved on (another device, another person): this step no longer applies.
    NotNow {
        status: Status,
    },
    RatingOutOfRange,
    NoTechnicianChosen,
    /// The signature is part of the completed record.
    SignatureClosed,
    /// The customer has signed: the worksheet stays as signed unless a supervisor withdraws
    /// the signature.
    SignedWorksheet,
    /// Settling an order that has no cost lines needs the supervisor's word.
    CostsMissing,
    /// Labour from time on site needs a check-in and a check-out.
    NoTimeOnSite,
    DuplicateSku {
        sku: String,
    },
    CategoryLoop,
    /// A van changes hands only when no part request into it is open.
    VanHasOpenRequests {
        open: u32,
    },
    /// Clocked in since this time (milliseconds since the epoch).
    AlreadyClockedIn {
        since: i64,
    },
    NotClockedIn,
    PeriodReversed,
    /// The company settings reach a device with its first sync.
    SettingsNotSynced,
    /// A message through a channel the administrator has not set up yet.
    ChannelNotSetUp {
        channel: crate::notify::Channel,
    },
    WarrantyBeforeInstallation,
    TransferToSameLocation,
    /// Something picked from a list that this device does not know (any more): sync to refresh.
    Unknown {
        thing: Thing,
    },
    /// A machine or project (named) of another customer than the order's or machine's.
    BelongsToAnotherCustomer {
        name: String,
    },
    MachineListedTwice,
    TooManyMachines {
        max: u32,
    },
    /// A stock-take or an imported file has more lines than one step takes.
    TooManyLines {
        max: u32,
    },
    NothingCounted,
    /// A working day starts before it ends, lasts an hour at least, and stays within the day.
    WorkDayImpossible,
    CountedTwice {
        sku: String,
    },
    CountOutOfRange {
        sku: String,
    },
    /// Technicians request parts into their own van.
    OwnVanOnly,
    /// Technicians take parts from their own van or a warehouse.
    TakeFromOwnVan,
    FileTooLarge {
        max_mb: u32,
    },
    FileEmpty,
    /// Not CSV text or an XLSX workbook that can be read (the message names the cause).
    FileUnreadable,
    PeriodTooLong,
    /// The part request has moved on to another step.
    RequestNotNow {
        status: RequestStatus,
    },
    ApproveWithinAsked,
    /// A person (named) picked as a technician who is not one.
    NotATechnician {
        name: String,
    },
    WarehouseHasNoOwner,
    /// This device has no location service (a desktop): the position is typed or picked.
    NoLocationService,
    /// The person has not allowed the app to use the device's location.
    LocationNotPermitted,
    /// The location service gave no position (off, no fix in time, or it failed).
    NoPositionFix,
    /// Another account's changes wait on this device: that account must sign in and send them.
    UnsentWorkOfAnotherAccount {
        account: String,
        pending: u32,
    },
    /// Another person of the company already signs in with this login.
    LoginTaken {
        login: String,
    },
    /// The company would be left without an active administrator.
    LastAdmin,
    /// An administrator does not deactivate their own account (another administrator does).
    OwnAccount,
    /// A deactivated person (named) gets no new work.
    PersonDeactivated {
        name: String,
    },
    /// The reassignment takes technicians (named) off work they have under way, each with the
    /// last step they recorded: it needs the dispatcher's word.
    WorkUnderWay {
        taken_off: Vec<(String, crate::model::order::EventKind)>,
    },
    /// Changes to this order are still waiting to be sent: sync first.
    UnsentWork,
    /// A server address typed without http:// or https:// (as typed, to suggest the fix).
    ServerAddressWithoutScheme {
        typed: String,
    },
    /// Not an http(s) address with a host.
    NotAServerAddress,
    /// A plan's end date lies before its start.
    PlanEndsBeforeStart,
    /// The plan's recurrence rule gives no visit on or after its start.
    PlanNeverOccurs,
    /// Not a time zone of the IANA database (such as Asia/Shanghai).
    UnknownTimeZone {
        name: String,
    },
    /// The alert is not open any more (done, or set aside by someone else).
    AlertNotOpen,
    /// Orders are made only for maintenance and inspection visits.
    AlertHasNoVisit,
    /// The customer rated this order already (a rating is given once).
    AlreadyRated,
    /// A portal request carries at most this many photos.
    TooManyPhotos {
        max: u32,
    },
    /// Customers ask on the portal for repairs, maintenance, installations and complaints.
    TypeNotOffered,
    /// The portal link is unknown, revoked or of another kind: ask the company for a new one.
    LinkNotValid,
    /// Knowledge-base text is Markdown without HTML.
    HtmlInText,
    /// Pictures in an article come from its own attachments, never from the network.
    RemoteImage,
    /// Links go to web pages, e-mail addresses or the entry's attachments.
    UnsafeLink,
    /// Attachments are PDFs and pictures (JPEG, PNG, WebP).
    FileTypeNotAllowed,
    /// An archive unpacks to more than this (or holds too many files): a decompression bomb,
    /// or a library to import in parts.
    ArchiveTooLarge {
        max_mb: u32,
    },
    /// A file name that leads outside the folder or archive being imported.
    UnsafePath {
        name: String,
    },
    /// The front matter of a Markdown file cannot be read at this line (1-based).
    FrontMatterInvalid {
        line: u32,
    },
    /// A Markdown file names a file that is not part of the import.
    AttachmentMissing {
        name: String,
    },
    /// Text files are imported as UTF-8.
    TextNotUtf8,
}

/// What was picked from a list, for `Refusal::Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Thing {
    Customer,
    Site,
    Project,
    Equipment,
    Part,
    StockLocation,
    Van,
    Order,
    Category,
    ParentCategory,
    Technician,
    Plan,
    Alert,
    KnowledgeEntry,
}

impl Thing {
    /// What to do, in English (logs, tools).
    fn choose(self) -> &'static str {
        match self {
            Thing::Customer => "choose a known customer",
            Thing::Site => "choose one of the customer's sites",
            Thing::Project => "choose a known project",
            Thing::Equipment => "choose known equipment",
            Thing::Part => "choose a part from the catalogue",
            Thing::StockLocation => "choose a known stock location",
            Thing::Van => "choose a known van",
            Thing::Order => "choose one of your orders",
            Thing::Category => "choose a known category",
            Thing::ParentCategory => "choose a known parent category",
            Thing::Technician => "choose a known technician",
            Thing::Plan => "choose one of the machine's plans",
            Thing::Alert => "choose a current alert",
            Thing::KnowledgeEntry => "choose a published knowledge entry",
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::ChecklistIncomplete { items } => {
                write!(
                    f,
                    "tick the required checklist items first: {}",
                    items.join(", ")
                )
            }
            Refusal::NotNow { status } => write!(
                f,
                "this order is {} now: the step is no longer possible",
                status.as_str().replace('_', " ")
            ),
            Refusal::RatingOutOfRange => f.write_str("a rating is 1 to 5 stars"),
            Refusal::NoTechnicianChosen => f.write_str("choose at least one technician"),
            Refusal::SignatureClosed => f.write_str("the signature cannot change after completion"),
            Refusal::SignedWorksheet => f.write_str(
                "the customer has signed: the checklist, charges and parts used stay as signed unless a supervisor withdraws the signature",
            ),
            Refusal::CostsMissing => {
                f.write_str("no costs are recorded for this order: its whole charge would count as profit")
            }
            Refusal::NoTimeOnSite => {
                f.write_str("no time on site is recorded yet (check-in and check-out)")
            }
            Refusal::DuplicateSku { sku } => write!(f, "SKU '{sku}' is already in the catalogue"),
            Refusal::CategoryLoop => {
                f.write_str("a category cannot go inside itself or one of its own subcategories")
            }
            Refusal::VanHasOpenRequests { open } => write!(
                f,
                "{open} part request(s) into this van are still open: let them be received, rejected or cancelled before the van changes hands"
            ),
            Refusal::AlreadyClockedIn { since } => {
                write!(f, "already clocked in since {since} (ms since the epoch)")
            }
            Refusal::NotClockedIn => f.write_str("not clocked in today"),
            Refusal::PeriodReversed => f.write_str("the period ends before it starts"),
            Refusal::SettingsNotSynced => {
                f.write_str("the company settings have not arrived yet; sync first")
            }
            Refusal::ChannelNotSetUp { channel } => {
                write!(f, "set up the {} channel first", channel.name())
            }
            Refusal::WarrantyBeforeInstallation => {
                f.write_str("the warranty ends before the installation date")
            }
            Refusal::TransferToSameLocation => f.write_str("a transfer goes to another location"),
            Refusal::Unknown { thing } => f.write_str(thing.choose()),
            Refusal::BelongsToAnotherCustomer { name } => {
                write!(f, "'{name}' belongs to another customer")
            }
            Refusal::MachineListedTwice => f.write_str("a machine is listed twice"),
            Refusal::TooManyMachines { max } => write!(f, "an order names at most {max} machines"),
            Refusal::TooManyLines { max } => write!(f, "at most {max} parts at once"),
            Refusal::NothingCounted => f.write_str("count at least one part"),
            Refusal::WorkDayImpossible => f.write_str(
                "a working day starts before it ends, lasts an hour at least, and stays within the day",
            ),
            Refusal::CountedTwice { sku } => write!(f, "{sku} is counted twice"),
            Refusal::CountOutOfRange { sku } => {
                write!(f, "the count of {sku} must be between 0 and 1,000,000")
            }
            Refusal::OwnVanOnly => f.write_str("parts are requested into your own van"),
            Refusal::TakeFromOwnVan => f.write_str("take parts from your own van or a warehouse"),
            Refusal::FileTooLarge { max_mb } => write!(f, "the file is larger than {max_mb} MB"),
            Refusal::FileEmpty => f.write_str("the file is empty"),
            Refusal::AlreadyRated => f.write_str("this order has been rated already"),
            Refusal::TooManyPhotos { max } => write!(f, "at most {max} photos per request"),
            Refusal::TypeNotOffered => {
                f.write_str("choose repair, maintenance, installation or complaint")
            }
            Refusal::HtmlInText => f.write_str("HTML is not allowed in the text: use Markdown"),
            Refusal::RemoteImage => {
                f.write_str("pictures must be attachments of the entry, not web addresses")
            }
            Refusal::UnsafeLink => f.write_str("links go to web pages, e-mail or attachments"),
            Refusal::FileTypeNotAllowed => f.write_str("attach PDF, JPEG, PNG or WebP files"),
            Refusal::ArchiveTooLarge { max_mb } => {
                write!(f, "the archive unpacks to more than {max_mb} MB")
            }
            Refusal::UnsafePath { name } => {
                write!(f, "'{name}' points outside the folder or archive")
            }
            Refusal::FrontMatterInvalid { line } => {
                write!(f, "the front matter cannot be read at line {line}")
            }
            Refusal::AttachmentMissing { name } => {
                write!(f, "'{name}' is not among the imported files")
            }
            Refusal::TextNotUtf8 => f.write_str("the text is not UTF-8"),
            Refusal::LinkNotValid => {
                f.write_str("this link is not valid (any more): ask the company for a new one")
            }
            Refusal::FileUnreadable => f.write_str("the file cannot be read as CSV or XLSX"),
            Refusal::PeriodTooLong => {
                f.write_str("choose a period of at most a year that ends after it starts")
            }
            Refusal::RequestNotNow { status } => {
                write!(f, "the request is {}", crate::model::enum_name(status))
            }
            Refusal::ApproveWithinAsked => f.write_str("approve between 0 and the quantity asked"),
            Refusal::NotATechnician { name } => write!(f, "{name} is not a technician"),
            Refusal::WarehouseHasNoOwner => f.write_str("a warehouse belongs to no one"),
            Refusal::NoLocationService => write!(
                f,
                "this device has no location service: enter the position by hand or pick it on the map"
            ),
            Refusal::LocationNotPermitted => write!(
                f,
                "FieldOps may not use this device's location: allow it in the system settings, or enter the position by hand"
            ),
            Refusal::NoPositionFix => write!(
                f,
                "the device gave no position: turn location on, or enter the position by hand"
            ),
            Refusal::UnsentWorkOfAnotherAccount { account, pending } => write!(
                f,
                "{pending} unsent change(s) of {account} are on this device; sign in as {account} to send them first"
            ),
            Refusal::LoginTaken { login } => write!(f, "the login '{login}' is taken"),
            Refusal::LastAdmin => {
                f.write_str("the company needs at least one active administrator")
            }
            Refusal::OwnAccount => {
                f.write_str("another administrator deactivates or demotes your own account")
            }
            Refusal::PersonDeactivated { name } => {
                write!(f, "{name} is deactivated and gets no new work")
            }
            Refusal::WorkUnderWay { taken_off } => write!(
                f,
                "the reassignment takes {} off work under way",
                taken_off
                    .iter()
                    .map(|(who, step)| format!("{who} ({})", crate::model::enum_name(step)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Refusal::ServerAddressWithoutScheme { typed } => write!(
                f,
                "'{typed}' needs http:// or https:// in front (for example https://{typed})"
            ),
            Refusal::NotAServerAddress => {
                f.write_str("not a server address: use the form https://host or http://host:port")
            }
            Refusal::UnsentWork => {
                f.write_str("changes to this order are still waiting to be sent; sync first")
            }
            Refusal::PlanEndsBeforeStart => f.write_str("the plan ends before it starts"),
            Refusal::PlanNeverOccurs => {
                f.write_str("the recurrence rule gives no visit on or after the start")
            }
            Refusal::UnknownTimeZone { name } => {
                write!(
                    f,
                    "'{name}' is not a known time zone (such as Asia/Shanghai)"
                )
            }
            Refusal::AlertNotOpen => f.write_str("this alert is no longer open"),
            Refusal::AlertHasNoVisit => {
                f.write_str("orders are made from maintenance and inspection alerts only")
            }
        }
    }
}

/// The shape in which errors cross IPC and HTTP.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ts_rs::TS)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    /// For a refused field: which and why, so the UI can say it in the person's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<FieldProblem>,
    /// For a request a rule refused: which rule, with its parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub refusal: Option<Refusal>,
}

/// A broken rule of the domain: what the device refuses before it commits and the server
/// refuses before it stores.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    BadField(FieldProblem),
    #[error("{0}")]
    Refused(Refusal),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("the document is corrupt or not a FieldOps document: {0}")]
    CorruptDocument(String),
    #[error("the changes are damaged or not automerge: {0}")]
    CorruptChanges(String),
    #[error("CRDT error: {0}")]
    Crdt(#[from] automerge::AutomergeError),
}

impl DomainError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        DomainError::Invalid(msg.into())
    }

    pub fn bad_field(field: Field, problem: Problem) -> Self {
        DomainError::BadField(FieldProblem { field, problem })
    }

    /// The rule that refused the request, when it is one with words of its own.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            DomainError::Refused(r) => Some(r),
            _ => None,
        }
    }

    /// The refused field, when the error is about one.
    pub fn field_problem(&self) -> Option<FieldProblem> {
        match self {
            DomainError::BadField(p) => Some(*p),
            _ => None,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            DomainError::Invalid(_) | DomainError::BadField(_) | DomainError::Refused(_) => {
                ErrorCode::InvalidInput
            }
            DomainError::NotFound(_) => ErrorCode::NotFound,
            DomainError::Forbidden(_) => ErrorCode::Forbidden,
            DomainError::CorruptDocument(_) => ErrorCode::CorruptDocument,
            DomainError::CorruptChanges(_) => ErrorCode::CorruptChanges,
            DomainError::Crdt(_) => ErrorCode::Crdt,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code(),
            message: self.to_string(),
            field: self.field_problem(),
            refusal: self.refusal().cloned(),
        }
    }
}

pub type Result<T, E = DomainError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_travel_as_the_protocol_strings() {
        for code in [
            ErrorCode::InvalidInput,
            ErrorCode::TokenExpired,
            ErrorCode::HashMismatch,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
        let newer: ErrorCode = serde_json::from_str("\"quota_exceeded\"").unwrap();
        assert_eq!(newer, ErrorCode::Unknown);
    }

    #[test]
    fn a_refused_field_carries_its_name_and_problem_for_the_ui() {
        use crate::model::{check_date, check_text};
        let err = check_text(Field::CustomerName, "  ", true, 200).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert_eq!(err.to_string(), "customer name is required");
        let body = serde_json::to_value(err.body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"code": "invalid_input", "message": "customer name is required",
                "field": {"field": "customer_name", "problem": {"kind": "required"}}})
        );
        let long = check_text(Field::Note, &"长".repeat(11), false, 10).unwrap_err();
        assert_eq!(
            long.field_problem(),
            Some(FieldProblem {
                field: Field::Note,
                problem: Problem::TooLong { max: 10 }
            })
        );
        let date = check_date(Field::WarrantyEnd, "2026-02-30").unwrap_err();
        assert_eq!(
            date.field_problem().map(|p| p.problem),
            Some(Problem::NotADate)
        );
        // A refusing rule carries its parameters the same way.
        let refused = DomainError::Refused(Refusal::DuplicateSku { sku: "VP-1".into() });
        assert_eq!(refused.code(), ErrorCode::InvalidInput);
        assert_eq!(
            serde_json::to_value(refused.body()).unwrap()["refusal"],
            serde_json::json!({"kind": "duplicate_sku", "sku": "VP-1"})
        );
        assert_eq!(
            refused.to_string(),
            "SKU 'VP-1' is already in the catalogue"
        );
        // Other refusals carry no field.
        assert!(DomainError::invalid("x").body().field.is_none());
        assert!(
            !serde_json::to_string(&DomainError::invalid("x").body())
                .unwrap()
                .contains("field")
        );
    }
}
