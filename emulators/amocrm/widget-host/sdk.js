// Browser side of the widget host: a tiny AMD loader, minimal jQuery/underscore/twig stand-ins and the subset of
// amoCRM's JS SDK a telephony/DP widget uses (APP.notifications.*, APP.constant, self.get_settings, self.i18n…).
(() => {
  const EMU = window.__EMU__;
  const status = (t) => {
    document.getElementById("host-status").textContent = t;
  };
  document.getElementById("host-user").textContent = `${EMU.user.name} (id ${EMU.user.id})`;

  // ---- minimal jQuery: enough for widgets that render HTML, bind clicks and call $.ajax ----
  function wrap(nodes) {
    const w = Object.create(wrap.fn);
    nodes.forEach((n, i) => {
      w[i] = n;
    });
    w.length = nodes.length;
    return w;
  }
  wrap.fn = {
    each(cb) {
      for (let i = 0; i < this.length; i++) cb.call(this[i], i, this[i]);
      return this;
    },
    html(v) {
      if (v === undefined) return this[0]?.innerHTML ?? "";
      return this.each((_, n) => {
        n.innerHTML = String(v);
      });
    },
    text(v) {
      if (v === undefined) return this[0]?.textContent ?? "";
      return this.each((_, n) => {
        n.textContent = String(v);
      });
    },
    val(v) {
      if (v === undefined) return this[0]?.value;
      return this.each((_, n) => {
        n.value = v;
      });
    },
    attr(k, v) {
      if (v === undefined) return this[0]?.getAttribute(k);
      return this.each((_, n) => n.setAttribute(k, v));
    },
    append(c) {
      return this.each((_, n) => {
        if (typeof c === "string") n.insertAdjacentHTML("beforeend", c);
        else for (let i = 0; i < (c.length ?? 1); i++) n.appendChild(c.length === undefined ? c : c[i]);
      });
    },
    find(sel) {
      const out = [];
      this.each((_, n) => out.push(...n.querySelectorAll(sel)));
      return wrap(out);
    },
    on(ev, selOrFn, fn) {
      const [sel, cb] = typeof selOrFn === "function" ? [null, selOrFn] : [selOrFn, fn];
      const name = ev.split(".")[0];
      return this.each((_, n) =>
        n.addEventListener(name, (e) => {
          if (!sel) return cb.call(n, e);
          const t = e.target.closest(sel);
          if (t && n.contains(t)) cb.call(t, e);
        }),
      );
    },
    off() {
      return this;
    },
    addClass(c) {
      return this.each((_, n) => n.classList.add(...c.split(" ")));
    },
    removeClass(c) {
      return this.each((_, n) => n.classList.remove(...c.split(" ")));
    },
    css(k, v) {
      return this.each((_, n) => {
        if (typeof k === "object") Object.assign(n.style, k);
        else n.style[k] = v;
      });
    },
    show() {
      return this.each((_, n) => n.removeAttribute("hidden"));
    },
    hide() {
      return this.each((_, n) => n.setAttribute("hidden", ""));
    },
    remove() {
      return this.each((_, n) => n.remove());
    },
    trigger(ev) {
      return this.each((_, n) => n.dispatchEvent(new Event(ev, { bubbles: true })));
    },
  };
  function $(x) {
    if (typeof x === "function") {
      x();
      return wrap([]);
    }
    if (typeof x === "string") {
      if (x.trim().startsWith("<")) {
        const t = document.createElement("template");
        t.innerHTML = x.trim();
        return wrap([...t.content.childNodes]);
      }
      return wrap([...document.querySelectorAll(x)]);
    }
    if (x && x.length !== undefined && x !== window) return wrap([...x]);
    return wrap(x ? [x] : []);
  }
  $.extend = (...objs) => Object.assign(...objs);
  $.Deferred = () => {
    let res;
    let rej;
    const p = new Promise((a, b) => {
      res = a;
      rej = b;
    });
    p.catch(() => undefined);
    const d = {
      resolve: (v) => (res(v), d),
      reject: (e) => (rej(e), d),
      done: (cb) => (p.then(cb, () => undefined), d),
      fail: (cb) => (p.then(undefined, cb), d),
      always: (cb) => (p.then(cb, cb), d),
      then: (a, b) => p.then(a, b),
      promise: () => d,
    };
    return d;
  };
  $.ajax = (opts) => {
    const d = $.Deferred();
    const method = (opts.type || opts.method || "GET").toUpperCase();
    const headers = { ...(opts.headers || {}) };
    let body;
    if (opts.data !== undefined && method !== "GET") {
      body = typeof opts.data === "string" ? opts.data : new URLSearchParams(opts.data).toString();
      headers["content-type"] = opts.contentType || "application/x-www-form-urlencoded; charset=UTF-8";
    }
    fetch(opts.url, { method, headers, body, credentials: "include" })
      .then(async (r) => {
        const text = await r.text();
        let data = text;
        try {
          data = text ? JSON.parse(text) : undefined;
        } catch {}
        if (r.ok) {
          opts.success?.(data);
          d.resolve(data);
        } else {
          opts.error?.({ status: r.status, responseText: text });
          d.reject({ status: r.status, responseText: text });
        }
      })
      .catch((e) => {
        opts.error?.(e);
        d.reject(e);
      });
    return d;
  };
  $.get = (url, data, success) => $.ajax({ url, data, success });
  $.post = (url, data, success) => $.ajax({ url, type: "POST", data, success });

  const _ = {
    each: (o, cb) => Object.keys(o || {}).forEach((k) => cb(o[k], k)),
    extend: (...o) => Object.assign(...o),
    isObject: (o) => o !== null && typeof o === "object",
    bind: (fn, ctx) => fn.bind(ctx),
    debounce: (fn) => fn,
  };
  const Twig = { twig: ({ data }) => ({ render: (p) => String(data || "").replace(/{{\s*(\w+)\s*}}/g, (_m, k) => p?.[k] ?? "") }) };

  // ---- notifications (reference §4.4): rendered visibly into #notifications ----
  const box = document.getElementById("notifications");
  function notify(kind, header, text, extra) {
    const el = document.createElement("div");
    el.className = `notification notification-${kind}`;
    el.setAttribute("role", "status");
    const h = document.createElement("div");
    h.className = "n-header";
    h.textContent = header || "";
    const b = document.createElement("div");
    b.className = "n-text";
    b.textContent = text || "";
    el.append(h, b);
    for (const line of extra || []) {
      const x = document.createElement("div");
      x.className = "n-extra";
      x.textContent = line;
      el.append(x);
    }
    box.append(el);
    return el;
  }
  const notifications = {
    add_call(p) {
      const lines = [p.from && `От: ${p.from}`, p.to && `Кому: ${p.to}`, p.duration && `Длительность: ${p.duration} с`];
      const el = notify("call", p.header || "Входящий звонок", p.text, lines.filter(Boolean));
      const href = p.click_link || (p.element?.id ? `/${p.element.type}s/detail/${p.element.id}` : "");
      if (href) el.dataset.clickLink = href;
      if (p.link) {
        const a = document.createElement("a");
        a.href = p.link;
        a.textContent = "Запись разговора";
        el.append(a);
      }
      window.__NOTIFICATIONS__.push({ type: "add_call", params: p });
    },
    show_notification(n) {
      notify(n.type || "call", n.text?.header, n.text?.text);
      window.__NOTIFICATIONS__.push({ type: "show_notification", params: n });
    },
    show_message(m) {
      notify("message", m.header, m.text);
      window.__NOTIFICATIONS__.push({ type: "show_message", params: m });
    },
    show_message_error(m) {
      notify("error", m.header, m.text);
      window.__NOTIFICATIONS__.push({ type: "show_message_error", params: m });
    },
    add_error(m) {
      notify("error", m.header, m.text);
      window.__NOTIFICATIONS__.push({ type: "add_error", params: m });
    },
  };
  window.__NOTIFICATIONS__ = [];
  const constants = { user: EMU.user, account: EMU.account, managers: EMU.managers, user_rights: { is_admin: EMU.user.is_admin } };
  window.APP = {
    constant: (k) => constants[k],
    notifications,
    lang_id: EMU.lang,
    data: { current_card: null, current_entity: EMU.area },
    getBaseEntity: () => EMU.area,
    isCard: () => false,
    widgets: {},
  };
  window.AMOCRM = window.APP;

  // ---- AMD shim: define/require with the libraries amoCRM provides ----
  const builtins = { jquery: $, underscore: _, lodash: _, twigjs: Twig, "lib/components/base/modal": function Modal() {} };
  let lastDefine = null;
  window.define = (a, b, c) => {
    const args = [a, b, c].filter((x) => x !== undefined);
    const factory = args.pop();
    const deps = Array.isArray(args.at(-1)) ? args.pop() : [];
    lastDefine = { deps, factory };
  };
  window.define.amd = { jQuery: true };
  window.require = (deps, cb) => cb?.(...deps.map((d) => builtins[d]));

  const loadScript = (src) =>
    new Promise((ok, bad) => {
      const s = document.createElement("script");
      s.src = src;
      s.onload = ok;
      s.onerror = () => bad(new Error(`cannot load ${src}`));
      document.head.append(s);
    });

  async function main() {
    const base = EMU.widgetUrl;
    if (!base) return status("не задан ?widget=<url каталога виджета>");
    const manifest = await fetch(`${base}/manifest.json`).then((r) => r.json());
    const i18n = await fetch(`${base}/i18n/${EMU.lang}.json`)
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}));
    const code = manifest.widget?.code || base.split("/").pop();
    let settings = { ...(EMU.installs[code] || {}), ...EMU.override };
    await loadScript(`${base}/script.js?${Date.now()}`);
    if (!lastDefine) throw new Error("script.js did not call define()");
    const Widget = lastDefine.factory(...lastDefine.deps.map((d) => builtins[d]));
    const api = {
      get_settings: () => ({ ...settings, widget_code: code, path: base, images_path: `${base}/images/`, oauth_client_uuid: EMU.clientId, active: "Y", version: manifest.widget?.version }),
      set_settings: (s) => {
        settings = { ...settings, ...s };
      },
      i18n: (key) => i18n[key],
      get_version: () => manifest.widget?.version,
      system: () => ({ area: EMU.area, amouser_id: EMU.user.id, amouser: EMU.user.login, subdomain: EMU.account.subdomain, domain: location.host }),
      render_template: (p) => `<div class="widget-template">${p?.body || ""}</div>`,
      render: (tpl, data) => Twig.twig({ data: tpl?.data || "" }).render(data),
      langs: i18n,
      params: settings,
      $authorizedAjax(opts) {
        const d = $.Deferred();
        fetch(`${EMU.base}/__widget-host/token`, { method: "POST", body: JSON.stringify({ client_id: EMU.clientId }), credentials: "include" })
          .then((r) => r.json())
          .then(({ token }) => $.ajax({ ...opts, headers: { ...(opts.headers || {}), "X-Auth-Token": token } }).done(d.resolve).fail(d.reject));
        return d;
      },
    };
    for (const [k, v] of Object.entries(api)) if (!(k in Widget.prototype)) Widget.prototype[k] = v;
    const self = new Widget();
    window.__WIDGET__ = self;
    const cb = self.callbacks || {};
    const call = (name, ...a) => (typeof cb[name] === "function" ? cb[name].call(self, ...a) : true);
    // amoCRM's order: render → init → bind_actions (init/bind_actions only when render returned true).
    if (call("render") !== false) {
      call("init");
      call("bind_actions");
    }
    document.getElementById("open-settings").onclick = () => openSettings(manifest, self, call, code, () => settings);
    document.getElementById("open-dp-settings").onclick = () => openDp(manifest, call);
    status(`виджет «${i18n.widget?.name || code}» загружен`);
  }

  function fieldsHtml(defs, values) {
    return Object.entries(defs || {})
      .map(([k, d]) => `<label>${k}: <input name="${k}" type="${d.type === "pass" ? "password" : "text"}" value="${values[k] ?? ""}"></label><br>`)
      .join("");
  }
  function openSettings(manifest, self, call, code, current) {
    const area = document.getElementById("settings-area");
    area.hidden = false;
    const block = area.querySelector(".widget_settings_block");
    block.innerHTML = fieldsHtml(manifest.settings, current());
    call("settings", $(block));
    document.getElementById("save-settings").onclick = async () => {
      const fields = Object.fromEntries([...block.querySelectorAll("input[name]")].map((i) => [i.name, i.value]));
      if (call("onSave", { fields, active: "Y" }) === false) return;
      self.set_settings(fields);
      await fetch(`${EMU.base}/__widget-host/settings`, { method: "POST", body: JSON.stringify({ code, settings: fields }), credentials: "include" });
      notify("message", "Настройки сохранены", code);
    };
  }
  function openDp(manifest, call) {
    const area = document.getElementById("dp-settings-area");
    area.hidden = false;
    const block = area.querySelector(".digital-pipeline__settings");
    block.innerHTML = fieldsHtml(manifest.dp?.settings, {});
    call("dpSettings", $(block));
  }

  main().catch((e) => {
    status(`ошибка: ${e.message}`);
    notify("error", "Ошибка загрузки виджета", e.message);
  });
})();
