import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

export type Lang = "en" | "zh-CN";

const en = {
  appName: "FieldOps",
  signIn: "Sign in",
  signingIn: "Signing in…",
  serverUrl: "Server address",
  tenant: "Company",
  login: "Login",
  password: "Password",
  signOut: "Sign out",
  signOutPending: "{n} change(s) have not reached the server yet. Sign out anyway? They stay on this device for your next sign-in.",
  tokenMemory: "No system keyring is available ({reason}); you stay signed in only until the app closes.",
  online: "Online",
  offline: "Offline",
  pending: "{n} waiting to send",
  allSent: "All changes sent",
  lastSync: "Last sync {time}",
  neverSynced: "Not synced yet",
  syncNow: "Sync now",
  syncing: "Syncing…",
  syncError: "Last sync failed: {error}",
  rejectedDocs: "{n} change(s) refused by the server",
  orders: "Work orders",
  myOrders: "My orders",
  customers: "Customers",
  newCustomer: "New customer",
  newOrder: "New order",
  search: "Search orders, customers…",
  allStatuses: "All statuses",
  allTechnicians: "All technicians",
  noOrders: "No orders match.",
  noOrdersTech: "No orders are assigned to you.",
  selectOrder: "Select an order to see its details.",
  customer: "Customer",
  site: "Site",
  type: "Type",
  priority: "Priority",
  status: "Status",
  description: "Description",
  scheduled: "Scheduled",
  assignees: "Assigned to",
  unassigned: "Unassigned",
  timeline: "Timeline",
  conflicts: "Needs a decision",
  phone: "Phone",
  siteName: "Site name",
  address: "Address",
  latitude: "Latitude",
  longitude: "Longitude",
  save: "Save",
  cancel: "Cancel",
  create: "Create",
  dispatch: "Dispatch",
  reassign: "Reassign",
  dispatchTo: "Dispatch to",
  accept: "Accept",
  reject: "Decline",
  rejectReason: "Why can you not take this order?",
  back: "Back",
  notSynced: "Not synced",
  chooseCustomer: "Choose a customer",
  chooseSite: "Choose a site",
  chooseTechnicians: "Choose at least one technician",
  saved: "Saved",
  language: "中文",
  start: "Start",
  end: "End",
  "status.new": "New",
  "status.dispatched": "Dispatched",
  "status.accepted": "Accepted",
  "status.rejected": "Declined",
  "status.conflict": "Conflict",
  "type.installation": "Installation",
  "type.repair": "Repair",
  "type.upgrade": "Upgrade",
  "type.maintenance": "Maintenance",
  "type.inspection": "Inspection",
  "type.testing": "Testing",
  "type.training": "Training",
  "type.complaint": "Complaint",
  "priority.low": "Low",
  "priority.normal": "Normal",
  "priority.high": "High",
  "priority.urgent": "Urgent",
  "event.created": "{who} created the order",
  "event.dispatched": "{who} dispatched to {to}",
  "event.accepted": "{who} accepted",
  "event.rejected": "{who} declined: {reason}",
  "role.admin": "Administrator",
  "role.supervisor": "Supervisor",
  "role.technician": "Technician",
};

export type Key = keyof typeof en;

const zh: Record<Key, string> = {
  appName: "FieldOps 云售后",
  signIn: "登录",
  signingIn: "正在登录…",
  serverUrl: "服务器地址",
  tenant: "公司",
  login: "账号",
  password: "密码",
  signOut: "退出登录",
  signOutPending: "还有 {n} 项更改未发送到服务器。仍要退出吗？这些更改会保留在本设备上，下次登录后发送。",
  tokenMemory: "没有可用的系统钥匙串（{reason}）；关闭应用后需要重新登录。",
  online: "在线",
  offline: "离线",
  pending: "{n} 项待发送",
  allSent: "所有更改已发送",
  lastSync: "上次同步 {time}",
  neverSynced: "尚未同步",
  syncNow: "立即同步",
  syncing: "同步中…",
  syncError: "上次同步失败：{error}",
  rejectedDocs: "{n} 项更改被服务器拒绝",
  orders: "工单",
  myOrders: "我的工单",
  customers: "客户",
  newCustomer: "新建客户",
  newOrder: "新建工单",
  search: "搜索工单、客户…",
  allStatuses: "全部状态",
  allTechnicians: "全部工程师",
  noOrders: "没有符合条件的工单。",
  noOrdersTech: "目前没有分派给您的工单。",
  selectOrder: "选择一个工单查看详情。",
  customer: "客户",
  site: "地点",
  type: "类型",
  priority: "优先级",
  status: "状态",
  description: "描述",
  scheduled: "计划时间",
  assignees: "负责人",
  unassigned: "未派工",
  timeline: "时间线",
  conflicts: "需要处理的冲突",
  phone: "电话",
  siteName: "地点名称",
  address: "地址",
  latitude: "纬度",
  longitude: "经度",
  save: "保存",
  cancel: "取消",
  create: "创建",
  dispatch: "派工",
  reassign: "改派",
  dispatchTo: "派工给",
  accept: "签收",
  reject: "拒绝",
  rejectReason: "无法接单的原因？",
  back: "返回",
  notSynced: "未同步",
  chooseCustomer: "选择客户",
  chooseSite: "选择地点",
  chooseTechnicians: "请至少选择一名工程师",
  saved: "已保存",
  language: "English",
  start: "开始",
  end: "结束",
  "status.new": "新建",
  "status.dispatched": "已派工",
  "status.accepted": "已签收",
  "status.rejected": "已拒绝",
  "status.conflict": "冲突",
  "type.installation": "安装",
  "type.repair": "维修",
  "type.upgrade": "升级",
  "type.maintenance": "保养",
  "type.inspection": "巡检",
  "type.testing": "检测",
  "type.training": "培训",
  "type.complaint": "投诉",
  "priority.low": "低",
  "priority.normal": "普通",
  "priority.high": "高",
  "priority.urgent": "紧急",
  "event.created": "{who} 创建了工单",
  "event.dispatched": "{who} 派工给 {to}",
  "event.accepted": "{who} 已签收",
  "event.rejected": "{who} 拒绝：{reason}",
  "role.admin": "管理员",
  "role.supervisor": "主管",
  "role.technician": "工程师",
};

const dictionaries: Record<Lang, Record<Key, string>> = { en, "zh-CN": zh };

export type Translate = (key: Key, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: Translate;
  formatTime: (ms: number) => string;
  /** Compact date and time for tables. */
  formatShort: (ms: number) => string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const saved = typeof localStorage !== "undefined" ? localStorage.getItem("fieldops.lang") : null;
  if (saved === "en" || saved === "zh-CN") return saved;
  return typeof navigator !== "undefined" && navigator.language.startsWith("zh") ? "zh-CN" : "en";
}

export function I18nProvider({ children, lang: fixed }: { children: ReactNode; lang?: Lang }) {
  const [lang, setLangState] = useState<Lang>(fixed ?? initialLang());
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    localStorage.setItem("fieldops.lang", l);
    document.documentElement.lang = l;
  }, []);
  const value = useMemo<I18n>(() => {
    const dict = dictionaries[lang];
    const t: Translate = (key, vars) =>
      (dict[key] ?? en[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(vars?.[name] ?? `{${name}}`));
    const fmt = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
    const short = new Intl.DateTimeFormat(lang, { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
    return { lang, setLang, t, formatTime: (ms) => fmt.format(new Date(ms)), formatShort: (ms) => short.format(new Date(ms)) };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error("useI18n outside I18nProvider");
  return ctx;
}
