// The customer portal page. It renders what the server answers and asks the server for every
// decision: what a request must hold, where an order stands and whether it may be rated are
// computed on the server (fieldops_domain::portal). Text from anyone is set with textContent,
// never as HTML.
(function () {
  "use strict";

  var WORDS = {
    "zh-CN": {
      switchTo: "English",
      title: "报修",
      noLink: "请扫描设备上的二维码，或打开公司发给您的链接。",
      loading: "正在加载…",
      machine: "设备",
      model: "型号",
      serial: "序列号",
      site: "地点",
      whichMachine: "哪台设备？",
      noMachine: "不针对某台设备",
      type: "服务类型",
      urgency: "紧急程度",
      description: "故障描述",
      descriptionHint: "请描述出现的问题、何时开始、是否有报警代码",
      contactName: "联系人",
      phone: "手机号码",
      email: "电子邮箱",
      optional: "（选填）",
      preferred: "方便的上门时间",
      preferredHint: "例如：明天上午",
      photos: "照片",
      addPhotos: "添加照片",
      removePhoto: "删除照片",
      submit: "提交报修",
      sending: "正在提交…",
      uploading: "正在上传照片 {n}/{total}…",
      earlier: "之前的报修",
      saveLink: "请保存此页面链接，以便随时查看进度：",
      requestMade: "已提交。我们会尽快与您联系。",
      progress: "处理进度",
      technician: "技术员",
      reason: "原因",
      messages: "公司留言",
      rate: "为本次服务评分",
      comment: "评价（选填）",
      sendRating: "提交评分",
      yourRating: "您的评分",
      thanks: "感谢您的评价！",
      live: "进度会自动更新",
      types: { repair: "维修", maintenance: "保养", installation: "安装", complaint: "投诉" },
      urgencies: { low: "不急", normal: "一般", high: "紧急", urgent: "非常紧急" },
      steps: {
        received: "已收到报修",
        accepted: "已受理",
        assigned: "已派技术员",
        on_the_way: "技术员正在路上",
        on_site: "技术员已到达",
        completed: "已完成",
        declined: "未能受理",
        cancelled: "已取消"
      },
      fields: {
        description: "故障描述",
        person_name: "联系人",
        phone: "手机号码",
        email: "电子邮箱",
        preferred_time: "上门时间",
        comment: "评价"
      },
      problems: {
        required: "{field}为必填项。",
        too_long: "{field}太长（最多 {max} 字）。",
        too_short: "{field}太短。",
        control_characters: "{field}含有不能使用的字符。",
        malformed: "{field}格式不正确。"
      },
      errors: {
        link: "此链接无效或已停用。请联系服务公司获取新的二维码或链接。",
        wait: "操作过于频繁，请 {s} 秒后再试。",
        tooLarge: "内容太大。请缩短描述或减少照片。",
        notPhoto: "这不是可用的照片，请选择 JPEG/PNG 照片。",
        photoMissing: "有照片未上传成功，请重新添加。",
        tooManyPhotos: "每次报修最多 {max} 张照片。",
        typeNotOffered: "请选择维修、保养、安装或投诉。",
        alreadyRated: "您已经评过分了，感谢！",
        notYet: "服务完成后才能评分。",
        stars: "请选择 1 到 5 颗星。",
        network: "网络连接失败，请检查网络后重试。您填写的内容仍保留在页面上。",
        other: "出现问题，请稍后重试。"
      }
    },
    en: {
      switchTo: "中文",
      title: "Service request",
      noLink: "Scan the code on your machine, or open the link the company sent you.",
      loading: "Loading…",
      machine: "Machine",
      model: "Model",
      serial: "Serial no.",
      site: "Site",
      whichMachine: "Which machine?",
      noMachine: "Not about one machine",
      type: "Type of service",
      urgency: "How urgent",
      description: "What is wrong",
      descriptionHint: "What happens, since when, any alarm code on the display",
      contactName: "Contact name",
      phone: "Mobile phone",
      email: "E-mail",
      optional: " (optional)",
      preferred: "When suits you for a visit",
      preferredHint: "e.g. tomorrow morning",
      photos: "Photos",
      addPhotos: "Add photos",
      removePhoto: "Remove photo",
      submit: "Send request",
      sending: "Sending…",
      uploading: "Uploading photo {n} of {total}…",
      earlier: "Earlier requests",
      saveLink: "Keep this page's address to follow your request at any time:",
      requestMade: "Sent. We will contact you soon.",
      progress: "Progress",
      technician: "Technician",
      reason: "Reason",
      messages: "Messages from the company",
      rate: "Rate the service",
      comment: "Comment (optional)",
      sendRating: "Send rating",
      yourRating: "Your rating",
      thanks: "Thank you for your rating!",
      live: "This page updates by itself",
      types: { repair: "Repair", maintenance: "Maintenance", installation: "Installation", complaint: "Complaint" },
      urgencies: { low: "Not urgent", normal: "Normal", high: "Urgent", urgent: "Very urgent" },
      steps: {
        received: "Request received",
        accepted: "Accepted",
        assigned: "Technician assigned",
        on_the_way: "Technician on the way",
        on_site: "Technician on site",
        completed: "Completed",
        declined: "Declined",
        cancelled: "Cancelled"
      },
      fields: {
        description: "The description",
        person_name: "The contact name",
        phone: "The phone number",
        email: "The e-mail address",
        preferred_time: "The visit time",
        comment: "The comment"
      },
      problems: {
        required: "{field} is required.",
        too_long: "{field} is too long (at most {max} characters).",
        too_short: "{field} is too short.",
        control_characters: "{field} contains characters that cannot be used.",
        malformed: "{field} does not look right."
      },
      errors: {
        link: "This link is not valid (any more). Ask the service company for a new code or link.",
        wait: "Too many tries. Please wait {s} seconds and try again.",
        tooLarge: "That is too much. Shorten the description or send fewer photos.",
        notPhoto: "That is not a photo we can use. Choose a JPEG or PNG photo.",
        photoMissing: "A photo did not upload. Please add it again.",
        tooManyPhotos: "At most {max} photos per request.",
        typeNotOffered: "Choose repair, maintenance, installation or complaint.",
        alreadyRated: "You have rated this service already. Thank you!",
        notYet: "You can rate the service once it is completed.",
        stars: "Choose 1 to 5 stars.",
        network: "No connection. Check the network and try again; what you typed stays on the page.",
        other: "Something went wrong. Please try again later."
      }
    }
  };

  var PHOTO_EDGE = 1600;
  var THUMB_EDGE = 320;

  var lang = pickLanguage();
  var state = { kind: null, token: null, entry: null, tracking: null, photos: [], stream: null, rerender: null, notice: null };

  function pickLanguage() {
    var saved = null;
    try { saved = window.localStorage.getItem("fieldops.portal.lang"); } catch (e) { saved = null; }
    if (saved === "en" || saved === "zh-CN") return saved;
    var nav = (navigator.language || "zh-CN").toLowerCase();
    return nav.indexOf("zh") === 0 ? "zh-CN" : "en";
  }

  function w() { return WORDS[lang]; }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) { return values && k in values ? String(values[k]) : ""; });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") node.textContent = v;
        else if (k === "class") node.className = v;
        else if (k.indexOf("on") === 0) node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? "" : v);
      });
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function time(ms) {
    if (!ms) return "";
    var d = new Date(ms);
    try {
      return d.toLocaleString(lang, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
    } catch (e) {
      return d.toLocaleString();
    }
  }

  function main() { return document.getElementById("main"); }

  function show(nodes) {
    var m = main();
    m.textContent = "";
    nodes.forEach(function (n) { if (n) m.appendChild(n); });
  }

  // ---- Errors in the customer's words ----

  function PortalError(body, status) {
    this.body = body || {};
    this.status = status;
  }

  function say(err) {
    var e = w().errors;
    if (!(err instanceof PortalError)) return e.network;
    var b = err.body;
    var refusal = b.refusal && b.refusal.kind;
    if (b.field && b.field.field) {
      var p = b.field.problem || {};
      var field = w().fields[b.field.field] || w().fields.description;
      var words = w().problems[p.kind] || w().problems.malformed;
      return fill(words, { field: field, max: p.max });
    }
    if (refusal === "link_not_valid") return e.link;
    if (refusal === "too_many_photos") return fill(e.tooManyPhotos, { max: b.refusal.max });
    if (refusal === "type_not_offered") return e.typeNotOffered;
    if (refusal === "already_rated") return e.alreadyRated;
    if (refusal === "not_now") return e.notYet;
    if (refusal === "rating_out_of_range") return e.stars;
    if (b.code === "too_many_attempts") return fill(e.wait, { s: err.retryAfter || 60 });
    if (b.code === "too_large") return e.tooLarge;
    if (b.code === "invalid_blob") return /upload/.test(b.message || "") ? e.photoMissing : e.notPhoto;
    return e.other;
  }

  function call(method, path, body, contentType) {
    var headers = { "X-Portal-Token": state.token };
    if (contentType) headers["Content-Type"] = contentType;
    return fetch(path, { method: method, headers: headers, body: body, credentials: "omit", cache: "no-store" })
      .then(function (res) {
        return res.text().then(function (text) {
          var json = null;
          try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
          if (!res.ok) {
            var err = new PortalError(json, res.status);
            err.retryAfter = res.headers.get("Retry-After");
            throw err;
          }
          return json;
        });
      });
  }

  // ---- The request form ----

  function machineCard(m) {
    if (!m) return null;
    var rows = [el("b", { text: m.name })];
    if (m.model) rows.push(el("div", { class: "muted", text: w().model + ": " + m.model }));
    if (m.serial) rows.push(el("div", { class: "muted", text: w().serial + ": " + m.serial }));
    if (m.site) rows.push(el("div", { class: "muted", text: w().site + ": " + m.site }));
    return el("div", { class: "card machine", "data-testid": "machine" }, rows);
  }

  function field(labelText, input, optional) {
    var label = el("label", { text: labelText }, optional ? [el("span", { class: "opt", text: w().optional })] : []);
    label.setAttribute("for", input.id);
    return el("div", null, [label, input]);
  }

  function options(select, values, words, chosen) {
    values.forEach(function (v) {
      select.appendChild(el("option", { value: v, text: words[v] || v, selected: v === chosen }));
    });
    return select;
  }

  function renderForm(draft) {
    var entry = state.entry;
    var t = w();
    document.title = t.title + " · " + entry.company;
    var error = el("div", { class: "error", role: "alert", hidden: true });
    var d = draft || {};
    var type = options(el("select", { id: "type", name: "type" }), entry.offered, t.types, d.type || "repair");
    var urgency = options(el("select", { id: "urgency", name: "urgency" }), ["normal", "high", "urgent", "low"], t.urgencies, d.urgency || "normal");
    var description = el("textarea", { id: "description", name: "description", placeholder: t.descriptionHint, maxlength: "2000", required: true });
    description.value = d.description || "";
    var count = el("div", { class: "count" });
    function counted() { count.textContent = description.value.length + " / 2000"; }
    description.addEventListener("input", counted);
    counted();
    var name = el("input", { id: "contact-name", name: "name", autocomplete: "name", maxlength: "60", required: true });
    name.value = d.name || "";
    var phone = el("input", { id: "phone", name: "phone", type: "tel", autocomplete: "tel", inputmode: "tel", maxlength: "30", required: true });
    phone.value = d.phone || "";
    var email = el("input", { id: "email", name: "email", type: "email", autocomplete: "email", maxlength: "254" });
    email.value = d.email || "";
    var preferred = el("input", { id: "preferred", name: "preferred", placeholder: t.preferredHint, maxlength: "100" });
    preferred.value = d.preferred || "";
    var machine = null;
    if (!entry.machine && entry.machines.length) {
      machine = el("select", { id: "machine", name: "machine" }, [el("option", { value: "", text: t.noMachine })]);
      entry.machines.forEach(function (m) {
        machine.appendChild(el("option", { value: m.id, text: m.name + (m.model ? " · " + m.model : ""), selected: d.machine === m.id }));
      });
    }
    var photoList = el("div", { class: "photos", "data-testid": "photos" });
    var picker = el("input", { id: "photo-input", type: "file", accept: "image/*", multiple: true, hidden: true });
    var addPhotos = el("button", { type: "button", class: "secondary", text: t.addPhotos, onclick: function () { picker.click(); } });
    function drawPhotos() {
      photoList.textContent = "";
      state.photos.forEach(function (p, i) {
        photoList.appendChild(el("figure", null, [
          el("img", { src: p.preview, alt: "" }),
          el("button", { type: "button", "aria-label": t.removePhoto, text: "×", onclick: function () { state.photos.splice(i, 1); drawPhotos(); } })
        ]));
      });
      addPhotos.hidden = state.photos.length >= entry.max_photos;
    }
    picker.addEventListener("change", function () {
      var files = Array.prototype.slice.call(picker.files || [], 0, entry.max_photos - state.photos.length);
      picker.value = "";
      error.hidden = true;
      files.reduce(function (p, file) {
        return p.then(function () { return prepare(file); }).then(function (photo) { state.photos.push(photo); drawPhotos(); });
      }, Promise.resolve()).catch(function () {
        error.textContent = t.errors.notPhoto;
        error.hidden = false;
      });
    });
    drawPhotos();
    var submit = el("button", { type: "submit", class: "primary", text: t.submit });
    var form = el("form", { novalidate: true }, [
      machine ? field(t.whichMachine, machine) : null,
      el("div", { class: "row" }, [field(t.type, type), field(t.urgency, urgency)]),
      field(t.description, description),
      count,
      field(t.contactName, name),
      field(t.phone, phone),
      field(t.email, email, true),
      field(t.preferred, preferred, true),
      el("label", { text: t.photos }, [el("span", { class: "opt", text: " (≤ " + entry.max_photos + ")" })]),
      photoList,
      picker,
      addPhotos,
      error,
      submit
    ]);
    function draftNow() {
      return {
        type: type.value, urgency: urgency.value, description: description.value, name: name.value,
        phone: phone.value, email: email.value, preferred: preferred.value, machine: machine ? machine.value : ""
      };
    }
    state.rerender = function () { renderForm(draftNow()); };
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      error.hidden = true;
      submit.disabled = true;
      var uploaded = [];
      var chain = Promise.resolve();
      state.photos.forEach(function (p, i) {
        chain = chain.then(function () {
          submit.textContent = fill(t.uploading, { n: i + 1, total: state.photos.length });
          return upload(p).then(function (ref) { uploaded.push(ref); });
        });
      });
      chain.then(function () {
        submit.textContent = t.sending;
        var input = {
          order_type: type.value,
          urgency: urgency.value,
          description: description.value,
          contact_name: name.value,
          contact_phone: phone.value,
          contact_email: email.value,
          preferred_time: preferred.value,
          equipment_id: machine && machine.value ? machine.value : null,
          photos: uploaded,
          language: lang
        };
        return call("POST", "/portal/api/requests", JSON.stringify(input), "application/json");
      }).then(function (made) {
        state.photos = [];
        state.notice = { text: t.requestMade, link: made.track_url };
        window.location.hash = "#t/" + made.track_token;
      }).catch(function (err) {
        error.textContent = say(err);
        error.hidden = false;
        submit.disabled = false;
        submit.textContent = t.submit;
      });
    });
    var earlier = null;
    if (entry.requests.length) {
      earlier = el("div", { class: "card list" }, entry.requests.map(function (r) {
        return el("a", { href: r.track_url }, [
          el("b", { text: (r.number || "") + " · " + (t.steps[r.current] || r.current) }),
          el("div", { class: "muted", text: time(r.created_at) + " · " + r.description })
        ]);
      }));
    }
    show([
      el("h1", { text: t.title }),
      el("div", { class: "muted", text: entry.customer }),
      machineCard(entry.machine),
      form,
      earlier ? el("h2", { text: t.earlier }) : null,
      earlier
    ]);
  }

  // Resize in the browser: the upload is a JPEG of at most PHOTO_EDGE pixels, plus a thumbnail.
  function prepare(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        Promise.all([jpeg(img, PHOTO_EDGE, 0.85), jpeg(img, THUMB_EDGE, 0.8)]).then(function (out) {
          URL.revokeObjectURL(url);
          resolve({ full: out[0].blob, width: out[0].width, height: out[0].height, thumb: out[1].blob, preview: URL.createObjectURL(out[1].blob) });
        }, reject);
      };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("not an image")); };
      img.src = url;
    });
  }

  function jpeg(img, edge, quality) {
    var scale = Math.min(1, edge / Math.max(img.naturalWidth, img.naturalHeight));
    var width = Math.max(1, Math.round(img.naturalWidth * scale));
    var height = Math.max(1, Math.round(img.naturalHeight * scale));
    var canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(img, 0, 0, width, height);
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (blob) {
        if (blob) resolve({ blob: blob, width: width, height: height });
        else reject(new Error("no JPEG"));
      }, "image/jpeg", quality);
    });
  }

  function upload(p) {
    return call("POST", "/portal/api/photos", p.full, "image/jpeg").then(function (full) {
      return call("POST", "/portal/api/photos", p.thumb, "image/jpeg").then(function (thumb) {
        return { hash: full.hash, thumb_hash: thumb.hash, width: p.width, height: p.height };
      });
    });
  }

  // ---- Tracking ----

  function renderTracking() {
    var tr = state.tracking;
    var t = w();
    document.title = t.progress + " · " + (tr.number || tr.company);
    var steps = el("ol", { class: "steps", "data-testid": "steps" }, tr.steps.map(function (s) {
      var cls = s.at ? (s.step === tr.current ? "done now" : "done") : "";
      return el("li", { class: cls, "data-step": s.step }, [
        el("span", { text: t.steps[s.step] }),
        s.at ? el("span", { class: "when", text: time(s.at) }) : null
      ]);
    }));
    var nodes = [
      state.notice ? el("div", { class: "notice", role: "status" }, [
        el("div", { text: state.notice.text }),
        el("div", { class: "muted", text: t.saveLink }),
        el("div", { class: "link", text: state.notice.link })
      ]) : null,
      el("h1", { text: (tr.number || "") + " · " + (t.types[tr.order_type] || "") }),
      el("div", { class: "status " + tr.current, "data-testid": "status", text: t.steps[tr.current] }),
      el("div", { class: "muted", text: t.live }),
      tr.reason ? el("div", { class: "card" }, [el("b", { text: t.reason }), el("div", { class: "desc", text: tr.reason })]) : null,
      el("div", { class: "card" }, [
        tr.machine ? el("div", { class: "muted", text: t.machine + ": " + tr.machine }) : null,
        el("div", { class: "desc", text: tr.description }),
        tr.technician ? el("div", { "data-testid": "technician", text: t.technician + ": " + tr.technician }) : null,
        tr.technician_phone ? el("a", { href: "tel:" + tr.technician_phone.replace(/[^\d+]/g, ""), "data-testid": "technician-phone", text: tr.technician_phone }) : null
      ]),
      el("h2", { text: t.progress }),
      el("div", { class: "card" }, [steps])
    ];
    if (tr.notes.length) {
      nodes.push(el("h2", { text: t.messages }));
      nodes.push(el("div", { class: "card" }, tr.notes.map(function (n) {
        return el("div", { class: "note" }, [el("div", { class: "muted", text: time(n.at) }), el("div", { text: n.text })]);
      })));
    }
    if (tr.rating) {
      nodes.push(el("h2", { text: t.yourRating }));
      nodes.push(el("div", { class: "card", "data-testid": "rating" }, [
        el("div", { class: "stars-text", text: "★★★★★".slice(0, tr.rating[0]) + "☆☆☆☆☆".slice(0, 5 - tr.rating[0]) }),
        tr.rating[1] ? el("div", { class: "desc", text: tr.rating[1] }) : null,
        el("div", { class: "muted", text: t.thanks })
      ]));
    } else if (tr.may_rate) {
      nodes.push(ratingForm());
    }
    state.rerender = renderTracking;
    show(nodes);
  }

  function ratingForm() {
    var t = w();
    var chosen = 0;
    var error = el("div", { class: "error", role: "alert", hidden: true });
    var buttons = [1, 2, 3, 4, 5].map(function (n) {
      return el("button", { type: "button", "aria-label": n + "/5", "data-stars": String(n), text: "★", onclick: function () { chosen = n; mark(); } });
    });
    function mark() { buttons.forEach(function (b, i) { b.className = i < chosen ? "on" : ""; }); }
    var comment = el("textarea", { id: "rating-comment", maxlength: "1000" });
    var send = el("button", { type: "submit", class: "primary", text: t.sendRating });
    var form = el("form", { class: "card", novalidate: true }, [
      el("div", { class: "stars" }, buttons),
      field(t.comment, comment),
      error,
      send
    ]);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      error.hidden = true;
      send.disabled = true;
      call("POST", "/portal/api/track/rating", JSON.stringify({ stars: chosen, comment: comment.value }), "application/json")
        .then(function (view) { state.tracking = view; renderTracking(); })
        .catch(function (err) { error.textContent = say(err); error.hidden = false; send.disabled = false; });
    });
    return el("div", null, [el("h2", { text: t.rate }), form]);
  }

  function refreshTracking() {
    return call("GET", "/portal/api/track").then(function (view) {
      state.tracking = view;
      setCompany(view.company);
      renderTracking();
    });
  }

  function listen() {
    if (state.stream) state.stream.close();
    if (!window.EventSource) return;
    state.stream = new EventSource("/portal/api/track/events?token=" + encodeURIComponent(state.token));
    state.stream.addEventListener("changed", function () { refreshTracking().catch(function () {}); });
  }

  // ---- Start ----

  function setCompany(name) { document.getElementById("company").textContent = name || ""; }

  function failed(err) {
    show([el("div", { class: "error", role: "alert", text: say(err) })]);
  }

  function route() {
    if (state.stream) { state.stream.close(); state.stream = null; }
    var m = /^#([mct])\/([A-Za-z0-9_-]{1,64})$/.exec(window.location.hash || "");
    if (!m) {
      state.rerender = null;
      show([el("h1", { text: w().title }), el("p", { text: w().noLink })]);
      return;
    }
    state.kind = m[1];
    state.token = m[2];
    show([el("p", { class: "muted", text: w().loading })]);
    if (state.kind === "t") {
      refreshTracking().then(listen, failed);
      return;
    }
    state.notice = null;
    call("GET", "/portal/api/entry").then(function (entry) {
      state.entry = entry;
      setCompany(entry.company);
      renderForm(null);
    }, failed);
  }

  function drawLanguage() {
    document.documentElement.lang = lang;
    document.getElementById("lang").textContent = w().switchTo;
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawLanguage();
    document.getElementById("lang").addEventListener("click", function () {
      lang = lang === "en" ? "zh-CN" : "en";
      try { window.localStorage.setItem("fieldops.portal.lang", lang); } catch (e) { /* private mode */ }
      drawLanguage();
      if (state.rerender) state.rerender(); else route();
    });
    window.addEventListener("hashchange", route);
    // A page left open in the background catches up when it is looked at again.
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && state.kind === "t") refreshTracking().catch(function () {});
    });
    route();
  });
})();
