// What each error code means to a person, and what to do next, in both languages. The Rust
// side names the code (generated ErrorCode); tsc fails here when a code has no words.
import type { Channel, ErrorCode, Field, FieldProblem, Refusal, Thing } from "../generated/commands";

const channelEn: Record<Channel, string> = { app: "in-app", email: "e-mail", wechat_work: "WeChat Work", sms: "SMS" };
const channelZh: Record<Channel, string> = { app: "应用内", email: "邮件", wechat_work: "企业微信", sms: "短信" };
import type { Lang } from "./index";

const en: Record<ErrorCode, string> = {
  invalid_input: "This cannot be saved as entered. Correct it and try again.",
  not_found: "This item no longer exists on this device. Go back to the list and open it again.",
  forbidden: "Your role may not do this. Ask a supervisor or an administrator.",
  corrupt_document: "A record on this device is damaged. Sync again; if it stays, tell your administrator.",
  corrupt_changes: "Changes arrived damaged and were not applied. Sync again.",
  crdt: "The change could not be recorded. Try again; nothing was saved.",
  not_signed_in: "You are signed out. Sign in again to continue.",
  storage: "The data could not be saved; nothing was changed. Try again; if it repeats, restart the app.",
  network: "The sync server cannot be reached. Your work is kept on this device and sent when the connection is back.",
  bad_request: "The server did not understand the request. Update the app and try again.",
  unauthorized: "The server wants you to sign in again.",
  invalid_token: "Your session has ended. Sign in again; your unsent work stays on this device.",
  token_expired: "Your session has expired. Sign in again; your unsent work stays on this device.",
  bad_credentials: "Company, login or password is wrong. Check them and try again.",
  conflict: "This device is bound to another person. Sign in as that person, or ask an administrator.",
  too_large: "This is too large to send. Use a smaller file.",
  concurrent_write: "Someone changed this at the same moment. Sync again.",
  invalid_document: "The server refused a change as invalid. It stays on this device; tell your administrator.",
  unknown_doc_type: "The server does not know this kind of record. Update the app.",
  invalid_changes: "A change could not be read by the server. Sync again.",
  wrong_doc_type: "The server refused a change to the wrong kind of record. Tell your administrator.",
  missing_dependencies: "The server needs earlier changes first. Sync again.",
  foreign_actor: "The server refused changes made under another device's name. Tell your administrator.",
  out_of_scope: "This record is not yours to change. Ask a supervisor.",
  busy: "The server is busy. Your work is kept; it is sent on the next try.",
  too_many_attempts: "Too many wrong sign-ins. Wait a minute, then try again; after more wrong passwords the wait grows (up to 15 minutes).",
  invalid_blob: "This file is not a picture or document the app accepts. Choose another file.",
  invalid_hash: "A file's name was damaged on the way. Try again.",
  hash_mismatch: "A file arrived damaged. It is sent again on the next sync.",
  device_revoked: "An administrator removed this device. Its local data was erased; sign in again to use it as a new device.",
  setup_link_invalid: "This setup link was used already or has expired. Restart the server for a new one.",
  invitation_link_invalid: "This link was used, has expired or was replaced by a newer one. Ask your administrator to send it again.",
  unknown: "Something went wrong. Try again; if it repeats, tell your administrator.",
};

const zh: Record<ErrorCode, string> = {
  invalid_input: "按当前输入无法保存。请修改后重试。",
  not_found: "此设备上已没有这条记录。请返回列表重新打开。",
  forbidden: "您的角色无权执行此操作。请联系主管或管理员。",
  corrupt_document: "此设备上的一条记录已损坏。请重新同步；如仍存在，请告知管理员。",
  corrupt_changes: "收到的变更已损坏，未被应用。请重新同步。",
  crdt: "无法记录此变更，未保存任何内容。请重试。",
  not_signed_in: "您已退出登录。请重新登录后继续。",
  storage: "数据未能保存，未做任何更改。请重试；如反复出现，请重启应用。",
  network: "无法连接同步服务器。您的工作已保存在本设备上，连接恢复后会自动发送。",
  bad_request: "服务器无法理解此请求。请更新应用后重试。",
  unauthorized: "服务器要求您重新登录。",
  invalid_token: "您的登录已失效。请重新登录；未发送的工作仍保留在本设备上。",
  token_expired: "您的登录已过期。请重新登录；未发送的工作仍保留在本设备上。",
  bad_credentials: "公司、账号或密码有误。请检查后重试。",
  conflict: "此设备已绑定到其他人员。请以该人员登录，或联系管理员。",
  too_large: "内容太大，无法发送。请使用较小的文件。",
  concurrent_write: "有人在同一时刻修改了此内容。请重新同步。",
  invalid_document: "服务器认为某项变更无效而拒绝。该变更仍保留在本设备上；请告知管理员。",
  unknown_doc_type: "服务器不认识这种记录。请更新应用。",
  invalid_changes: "服务器无法读取某项变更。请重新同步。",
  wrong_doc_type: "服务器拒绝了对错误记录类型的变更。请告知管理员。",
  missing_dependencies: "服务器需要先收到更早的变更。请重新同步。",
  foreign_actor: "服务器拒绝了以其他设备名义做出的变更。请告知管理员。",
  out_of_scope: "这条记录不归您修改。请联系主管。",
  busy: "服务器繁忙。您的工作已保留，下次同步时发送。",
  too_many_attempts: "登录失败次数过多。请稍等一分钟后重试；密码继续输错时，等待时间会逐渐延长（最长 15 分钟）。",
  invalid_blob: "应用不接受此文件。请选择其他图片或文件。",
  invalid_hash: "文件名在传输中损坏。请重试。",
  hash_mismatch: "文件传输时损坏，下次同步时会重新发送。",
  device_revoked: "管理员已移除此设备，本机数据已清除。请重新登录，作为新设备使用。",
  setup_link_invalid: "此设置链接已使用或已失效。请重启服务器以获得新链接。",
  invitation_link_invalid: "此链接已使用、已过期或已被新链接取代。请让管理员重新发送。",
  unknown: "出现了问题。请重试；如反复出现，请告知管理员。",
};

const texts: Record<Lang, Record<ErrorCode, string>> = { en, "zh-CN": zh };

/** What happened and what to do next, in the person's language. */
export function errorAdvice(lang: Lang, code: ErrorCode): string {
  return texts[lang][code] ?? texts[lang].unknown;
}

const fieldsEn: Record<Field, string> = {
  chinese_name: "Chinese name",
  english_name: "English name",
  sku: "SKU",
  address: "Address",
  barcode: "Barcode",
  category_name: "Category name",
  charge_description: "Charge description",
  checklist_item: "Checklist item",
  comment: "Comment",
  company: "Company",
  compatible_model: "Compatible model",
  cost_description: "Cost description",
  customer_name: "Customer name",
  description: "Description",
  equipment_name: "Equipment name",
  event_text: "Event text",
  location_name: "Location name",
  login: "Login",
  model: "Model",
  note: "Note",
  notes: "Notes",
  order_number: "Order number",
  phone: "Phone",
  photo_caption: "Photo caption",
  project_code: "Project code",
  project_name: "Project name",
  reason: "Reason",
  resolution: "Resolution",
  serial_number: "Serial number",
  signer: "Signer",
  site_address: "Site address",
  site_name: "Site name",
  unit: "Unit",
  end_date: "End date",
  from: "Start date",
  installation_date: "Installation date",
  start_date: "Start date",
  to: "End date",
  warranty_end: "Warranty end",
  latitude: "Latitude",
  longitude: "Longitude",
  accuracy: "Accuracy (m)",
  altitude: "Altitude (m)",
  password: "Password",
  person_name: "Name",
  contact_role: "Role",
  tile_url: "Tile URL",
  attribution: "Attribution",
  plan_name: "Plan name",
  team_name: "Team name",
  region: "Region",
  team_members: "Team members",
  interval: "Every",
  days_ahead: "Order made days ahead",
  duration_minutes: "Duration (minutes)",
  warn_before: "Warn before",
  repeat_every: "Remind every (days)",
  target: "Target (minutes)",
  email: "E-mail address",
  smtp_host: "SMTP server",
  smtp_port: "SMTP port",
  sender: "Sender address",
  webhook_url: "Webhook address",
  secret: "Signing secret",
  recurrence: "Calendar rule",
  preferred_time: "Preferred time",
  title: "Title",
  body: "Text",
  tag: "Tag",
  fault_code: "Fault code",
  symptom: "Symptom",
  cause: "Cause",
  step: "Step",
  file_name: "File name",
};

const fieldsZh: Record<Field, string> = {
  chinese_name: "中文名称",
  english_name: "英文名称",
  sku: "物料编码",
  address: "地址",
  barcode: "条码",
  category_name: "分类名称",
  charge_description: "收费说明",
  checklist_item: "检查项",
  comment: "评价",
  company: "公司",
  compatible_model: "适用机型",
  cost_description: "成本说明",
  customer_name: "客户名称",
  description: "描述",
  equipment_name: "设备名称",
  event_text: "记录内容",
  location_name: "库位名称",
  login: "账号",
  model: "型号",
  note: "备注",
  notes: "备注",
  order_number: "工单号",
  phone: "电话",
  photo_caption: "照片说明",
  project_code: "项目编号",
  project_name: "项目名称",
  reason: "原因",
  resolution: "处理结果",
  serial_number: "序列号",
  signer: "签字人",
  site_address: "站点地址",
  site_name: "站点名称",
  unit: "单位",
  end_date: "结束日期",
  from: "开始日期",
  installation_date: "安装日期",
  start_date: "开始日期",
  to: "结束日期",
  warranty_end: "保修截止",
  latitude: "纬度",
  longitude: "经度",
  accuracy: "精度（米）",
  altitude: "海拔（米）",
  password: "密码",
  person_name: "姓名",
  contact_role: "职务",
  tile_url: "瓦片地址",
  attribution: "版权说明",
  plan_name: "计划名称",
  team_name: "团队名称",
  region: "区域",
  team_members: "团队成员",
  interval: "周期",
  days_ahead: "提前生成工单天数",
  duration_minutes: "时长（分钟）",
  warn_before: "提前预警",
  repeat_every: "逾期提醒间隔（天）",
  target: "目标（分钟）",
  email: "电子邮箱",
  smtp_host: "SMTP 服务器",
  smtp_port: "SMTP 端口",
  sender: "发件人地址",
  webhook_url: "Webhook 地址",
  secret: "签名密钥",
  recurrence: "日历规则",
  preferred_time: "方便时间",
  title: "标题",
  body: "正文",
  tag: "标签",
  fault_code: "故障代码",
  symptom: "故障现象",
  cause: "原因",
  step: "步骤",
  file_name: "文件名",
};

/** A refused field in words: which field and what is wrong with it. */
export function fieldAdvice(lang: Lang, p: FieldProblem): string {
  const field = (lang === "zh-CN" ? fieldsZh : fieldsEn)[p.field] ?? p.field;
  const zhText = lang === "zh-CN";
  switch (p.problem.kind) {
    case "required":
      return zhText ? `请填写“${field}”。` : `${field} is required: fill it in.`;
    case "too_long":
      return zhText ? `“${field}”不能超过 ${p.problem.max} 个字符，请缩短。` : `${field} is longer than ${p.problem.max} characters: shorten it.`;
    case "too_short":
      return zhText ? `“${field}”至少需要 ${p.problem.min} 个字符。` : `${field} needs at least ${p.problem.min} characters.`;
    case "control_characters":
      return zhText ? `“${field}”含有无法保存的控制字符，请重新输入。` : `${field} contains characters that cannot be saved: type it again.`;
    case "not_a_date":
      return zhText ? `“${field}”不是有效日期（年-月-日）。` : `${field} is not a date (year-month-day).`;
    case "out_of_range":
      return zhText
        ? `“${field}”应为 ${p.problem.min} 到 ${p.problem.max} 之间的数字。`
        : `${field} must be a number from ${p.problem.min} to ${p.problem.max}.`;
    case "malformed":
      return zhText ? `“${field}”格式不正确，请检查后重新输入。` : `${field} is not in the right form: check it and type it again.`;
  }
}

/** What a refusing rule needs from the screen to put its parameters into words. */
export interface RefusalWords {
  lang: Lang;
  /** An order status in the person's language. */
  status: (s: Extract<Refusal, { kind: "not_now" }>["status"]) => string;
  /** A part request's status in the person's language. */
  requestStatus: (s: Extract<Refusal, { kind: "request_not_now" }>["status"]) => string;
  /** A time (ms since the epoch) in the person's locale. */
  time: (ms: number) => string;
}

const thingsEn: Record<Thing, string> = {
  customer: "This customer",
  site: "This site",
  project: "This project",
  equipment: "This machine",
  part: "This part",
  stock_location: "This stock location",
  van: "This van",
  order: "This order",
  category: "This category",
  parent_category: "This parent category",
  technician: "This technician",
  plan: "This plan",
  alert: "This alert",
  knowledge_entry: "This knowledge entry",
};

const thingsZh: Record<Thing, string> = {
  customer: "该客户",
  site: "该站点",
  project: "该项目",
  equipment: "该设备",
  part: "该备件",
  stock_location: "该库位",
  van: "该车辆",
  order: "该工单",
  category: "该分类",
  parent_category: "该上级分类",
  technician: "该技术员",
  plan: "该计划",
  alert: "该预警",
  knowledge_entry: "该知识条目",
};

/** A request a rule refused, said in the person's language with what to do next. */
export function refusalAdvice(r: Refusal, { lang, status, requestStatus, time }: RefusalWords): string {
  const zh = lang === "zh-CN";
  switch (r.kind) {
    case "checklist_incomplete":
      return zh ? `请先勾选必填检查项：${r.items.join("、")}。` : `Tick the required checklist items first: ${r.items.join(", ")}.`;
    case "not_now":
      return zh
        ? `工单当前状态为“${status(r.status)}”，此步骤已不可用。请查看工单的最新状态。`
        : `This order is ${status(r.status)} now, so this step is not open to you. Look at the order as it is now.`;
    case "rating_out_of_range":
      return zh ? "评分为 1 到 5 星，请选择星数。" : "A rating is 1 to 5 stars: choose the stars.";
    case "no_technician_chosen":
      return zh ? "请至少选择一名技术员。" : "Choose at least one technician.";
    case "signature_closed":
      return zh ? "工单完成后客户签字不能再修改。" : "The customer's signature cannot change once the order is completed.";
    case "signed_worksheet":
      return zh
        ? "客户已签字：检查项、收费和用料按签字时的内容锁定。如需修改，请主管撤回签字。"
        : "The customer has signed: the checklist, charges and parts used stay as signed. A supervisor can withdraw the signature to change them.";
    case "work_under_way":
      return zh
        ? `工作正在进行：${r.taken_off.map(([who]) => who).join("、")}。如确需改派，请确认。`
        : `Work is under way: ${r.taken_off.map(([who]) => who).join(", ")}. Confirm to reassign anyway.`;
    case "server_address_without_scheme":
      return zh
        ? `服务器地址需以 http:// 或 https:// 开头，例如 https://${r.typed}（请向管理员确认）。`
        : `Start the server address with http:// or https://, for example https://${r.typed} (your administrator knows which).`;
    case "not_a_server_address":
      return zh ? "这不是服务器地址：请按 https://主机 或 http://主机:端口 的形式填写。" : "That is not a server address: use the form https://host or http://host:port.";
    case "unsent_work":
      return zh ? "此工单还有未发送的更改：请先同步，再确认。" : "Changes to this order are still waiting to be sent: sync first, then confirm.";
    case "costs_missing":
      return zh ? "此工单尚未录入成本：请先录入成本，或确认仍然核算。" : "No costs are recorded for this order: enter them first, or confirm to settle anyway.";
    case "no_time_on_site":
      return zh ? "尚无现场时间记录：需先签到并签退。" : "No time on site is recorded yet: check in and check out first.";
    case "duplicate_sku":
      return zh ? `物料编码“${r.sku}”已在目录中，请使用其他编码或编辑现有物料。` : `SKU “${r.sku}” is already in the catalogue: use another SKU or edit that part.`;
    case "category_loop":
      return zh ? "分类不能移到自身或其下级分类中，请选择其他上级分类。" : "A category cannot go inside itself or one of its own subcategories: choose another parent.";
    case "van_has_open_requests":
      return zh
        ? `还有 ${r.open} 个调入此车的备件申请未完成：请先让其收货、驳回或取消，再转交车辆。`
        : `${r.open === 1 ? "1 part request into this van is" : `${r.open} part requests into this van are`} still open: let them be received, rejected or cancelled before the van changes hands.`;
    case "already_clocked_in":
      return zh ? `您已于 ${time(r.since)} 上班打卡。` : `You clocked in already, at ${time(r.since)}.`;
    case "not_clocked_in":
      return zh ? "今天尚未上班打卡，请先打卡上班。" : "You have not clocked in today: clock in first.";
    case "period_reversed":
      return zh ? "结束日期早于开始日期，请调整时间段。" : "The period ends before it starts: change the dates.";
    case "plan_never_occurs":
      return zh ? "按此日历规则，首次保养日之后没有任何一次保养，请修改规则或日期。" : "This calendar rule gives no visit on or after the first visit's date: change the rule or the dates.";
    case "channel_not_set_up":
      return zh ? `“${channelZh[r.channel]}”渠道尚未设置，请先填写并保存。` : `The ${channelEn[r.channel]} channel is not set up yet: fill it in and save it first.`;
    case "settings_not_synced":
      return zh ? "公司设置尚未同步到本设备，请先同步。" : "The company settings have not reached this device yet: sync first.";
    case "warranty_before_installation":
      return zh ? "保修截止日期早于安装日期，请检查日期。" : "The warranty ends before the installation date: check the dates.";
    case "transfer_to_same_location":
      return zh ? "调拨须转到另一个库位，请选择其他库位。" : "A transfer goes to another location: choose a different one.";
    case "unknown":
      return zh ? `本设备上找不到${thingsZh[r.thing]}。请同步后从列表中重新选择。` : `${thingsEn[r.thing]} is not known on this device. Sync, then choose again from the list.`;
    case "belongs_to_another_customer":
      return zh ? `“${r.name}”属于其他客户，请选择本客户的。` : `“${r.name}” belongs to another customer: choose one of this customer's.`;
    case "machine_listed_twice":
      return zh ? "同一台设备被选了两次。" : "A machine is listed twice: choose it once.";
    case "too_many_machines":
      return zh ? `一个工单最多关联 ${r.max} 台设备。` : `An order names at most ${r.max} machines.`;
    case "too_many_lines":
      return zh ? `一次最多处理 ${r.max} 个备件，请分批进行。` : `At most ${r.max} parts at once: split it into several.`;
    case "nothing_counted":
      return zh ? "请至少填写一个备件的盘点数量。" : "Count at least one part.";
    case "work_day_impossible":
      return zh ? "工作时间须先开始后结束，至少一小时，且不跨越午夜。" : "A working day starts before it ends, lasts at least an hour and ends by midnight.";
    case "counted_twice":
      return zh ? `${r.sku} 被盘点了两次，请只保留一行。` : `${r.sku} is counted twice: keep one line.`;
    case "count_out_of_range":
      return zh ? `${r.sku} 的盘点数量须在 0 到 1,000,000 之间。` : `The count of ${r.sku} must be between 0 and 1,000,000.`;
    case "own_van_only":
      return zh ? "备件只能申请调入您自己的车辆。" : "Parts are requested into your own van.";
    case "take_from_own_van":
      return zh ? "请从您自己的车辆或仓库领用备件。" : "Take parts from your own van or a warehouse.";
    case "file_too_large":
      return zh ? `文件超过 ${r.max_mb} MB：请选择较小的文件，或拆分后再试。` : `The file is larger than ${r.max_mb} MB: choose a smaller file, or split it and try again.`;
    case "file_empty":
      return zh ? "文件是空的。" : "The file is empty.";
    case "file_unreadable":
      return zh
        ? "无法读取该文件（已损坏或格式不符）：备件目录请使用 UTF-8 编码的 CSV 或 XLSX 工作簿；知识库请使用 ZIP、Markdown、PDF 或图片。"
        : "The file cannot be read (damaged, or not the kind expected): for parts use a UTF-8 CSV file or an XLSX workbook; for the knowledge base a ZIP, Markdown files, PDFs or pictures.";
    case "period_too_long":
      return zh ? "请选择不超过一年、且结束晚于开始的时间段。" : "Choose a period of at most a year that ends after it starts.";
    case "request_not_now":
      return zh ? `该申请当前为“${requestStatus(r.status)}”，此步骤已不可用。` : `This request is ${requestStatus(r.status)} now, so this step no longer applies.`;
    case "approve_within_asked":
      return zh ? "批准数量须在 0 到申请数量之间。" : "Approve between 0 and the quantity asked.";
    case "not_a_technician":
      return zh ? `${r.name} 不是技术员，请选择技术员。` : `${r.name} is not a technician: choose a technician.`;
    case "no_location_service":
      return zh ? "此设备没有定位服务：请手动输入位置，或在地图上选取。" : "This device has no location service: type the position or pick it on the map.";
    case "location_not_permitted":
      return zh ? "FieldOps 无权使用本设备的位置：请在系统设置中允许，或手动输入位置。" : "FieldOps may not use this device's location: allow it in the system settings, or type the position.";
    case "no_position_fix":
      return zh ? "设备未能给出位置：请打开定位，或手动输入位置。" : "The device gave no position: turn location on, or type the position.";
    case "unsent_work_of_another_account":
      return zh
        ? `本设备上还有 ${r.account} 的 ${r.pending} 条更改未发送到服务器。请先以 ${r.account} 登录并同步；这些更改保留在本设备上。`
        : `${r.pending === 1 ? "1 change" : `${r.pending} changes`} made by ${r.account} ${r.pending === 1 ? "has" : "have"} not reached the server yet. Sign in as ${r.account} and sync first; ${r.pending === 1 ? "it is" : "they are"} kept on this device.`;
    case "warehouse_has_no_owner":
      return zh ? "仓库不属于任何个人，请不要选择负责人。" : "A warehouse belongs to no one: leave the technician empty.";
    case "login_taken":
      return zh ? `登录名“${r.login}”已被使用，请换一个。` : `The login “${r.login}” is taken: choose another.`;
    case "last_admin":
      return zh ? "公司至少需要一名在用的管理员：请先让另一人成为管理员。" : "The company needs at least one active administrator: make someone else one first.";
    case "person_deactivated":
      return zh ? `${r.name} 已停用，不能再接新工作：请选择其他人。` : `${r.name} is deactivated and gets no new work: choose someone else.`;
    case "own_account":
      return zh ? "不能停用或降级自己的账号，请由另一位管理员操作。" : "You cannot deactivate or demote your own account: another administrator does that.";
    case "plan_ends_before_start":
      return zh ? "计划的结束日期早于开始日期：请改为开始之后的日期，或留空。" : "The plan ends before it starts: choose an end after the start, or leave it empty.";
    case "unknown_time_zone":
      return zh ? `“${r.name}”不是已知的时区：请使用如 Asia/Shanghai 的时区名称。` : `“${r.name}” is not a known time zone: use a name such as Asia/Shanghai.`;
    case "alert_not_open":
      return zh ? "该预警已不再待处理（已完成或已被他人处理）。列表已刷新。" : "This alert is no longer open (done, or handled by someone else). The list has been refreshed.";
    case "alert_has_no_visit":
      return zh ? "只有保养和巡检预警可以生成工单。" : "Only maintenance and inspection alerts make orders.";
    case "already_rated":
      return zh ? "客户已评过分，评分只能提交一次。" : "The customer has rated this order already: a rating is given once.";
    case "too_many_photos":
      return zh ? `每次报修最多 ${r.max} 张照片。` : `At most ${r.max} photos per request.`;
    case "type_not_offered":
      return zh ? "客户只能提交维修、保养、安装或投诉。" : "Customers ask for repairs, maintenance, installations or complaints.";
    case "link_not_valid":
      return zh ? "此链接无效或已停用：请生成新的链接。" : "This link is not valid (any more): issue a new one.";
    case "html_in_text":
      return zh ? "正文不能包含 HTML 代码：请用 Markdown 书写（如 **粗体**、# 标题、- 列表）。" : "The text cannot contain HTML: write it in Markdown (**bold**, # heading, - list).";
    case "remote_image":
      return zh ? "图片不能引用网络地址：请先把图片添加为附件，再引用附件。" : "Pictures cannot come from web addresses: add the picture as an attachment and refer to that.";
    case "unsafe_link":
      return zh ? "链接只能指向网页（http/https）、邮箱或本条目的附件。" : "Links can only go to web pages (http/https), e-mail addresses or this entry's attachments.";
    case "archive_too_large":
      return zh ? `压缩包解压后超过 ${r.max_mb} MB 或文件过多：请分批导入。` : `The archive unpacks to more than ${r.max_mb} MB or holds too many files: import it in parts.`;
    case "unsafe_path":
      return zh ? `“${r.name}”指向导入文件夹或压缩包之外，已拒绝：请只引用包内的文件。` : `“${r.name}” points outside the imported folder or archive and was refused: refer only to files inside it.`;
    case "front_matter_invalid":
      return zh ? `文件开头的属性块第 ${r.line} 行无法识别：请使用“键: 值”格式，已知的键有 title、kind、status、fault_code、symptom、models、tags、order_types、causes、steps、attachments。` : `The front matter cannot be read at line ${r.line}: write “key: value”; the known keys are title, kind, status, fault_code, symptom, models, tags, order_types, causes, steps and attachments.`;
    case "attachment_missing":
      return zh ? `引用的文件“${r.name}”不在导入的文件中：请一并选择该文件，或删除该引用。` : `The file “${r.name}” it refers to is not among the imported files: add it to the import, or remove the reference.`;
    case "text_not_utf8":
      return zh ? "文本不是 UTF-8 编码：请在编辑器中另存为 UTF-8 后再导入。" : "The text is not UTF-8: save it as UTF-8 in your editor and import it again.";
    case "file_type_not_allowed":
      return zh ? "只能添加 PDF 文件或图片（JPEG、PNG、WebP）。" : "Only PDF files and pictures (JPEG, PNG, WebP) can be attached.";
  }
}
