// Browser side of the widget host: a tiny AMD loader, minimal jQuery/underscore/twig stand-ins and the subset of
// amoCRM's JS SDK a telephony/DP widget uses (APP.notifications.*, APP.constant, self.get_settings, self.i18n…).
(() => {
  const EMU = window.__EMU__;
  const status = (t) => {
    document.getElementById("host-status").textContent = t;
  };
  document.getElementById("host-user").textContent = `${EMU.user.name} (id ${EMU.user.id})`;

  const { $, _, Twig } = window.__AMO_LIBS__;

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
      const lines = [
        p.from && `От: ${p.from}`,
        p.to && `Кому: ${p.to}`,
        p.duration && `Длительность: ${p.duration} с`,
      ];
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
  const constants = {
    user: EMU.user,
    account: EMU.account,
    managers: EMU.managers,
    user_rights: { is_admin: EMU.user.is_admin },
  };
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
  const builtins = {
    jquery: $,
    underscore: _,
    lodash: _,
    twigjs: Twig,
    "lib/components/base/modal": function Modal() {},
  };
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
      get_settings: () => ({
        ...settings,
        widget_code: code,
        path: base,
        images_path: `${base}/images/`,
        oauth_client_uuid: EMU.clientId,
        active: "Y",
        version: manifest.widget?.version,
      }),
      set_settings: (s) => {
        settings = { ...settings, ...s };
      },
      i18n: (key) => i18n[key],
      get_version: () => manifest.widget?.version,
      system: () => ({
        area: EMU.area,
        amouser_id: EMU.user.id,
        amouser: EMU.user.login,
        subdomain: EMU.account.subdomain,
        domain: location.host,
      }),
      render_template: (p) => `<div class="widget-template">${p?.body || ""}</div>`,
      render: (tpl, data) => Twig.twig({ data: tpl?.data || "" }).render(data),
      langs: i18n,
      params: settings,
      $authorizedAjax(opts) {
        const d = $.Deferred();
        fetch(`${EMU.base}/__widget-host/token`, {
          method: "POST",
          body: JSON.stringify({ client_id: EMU.clientId }),
          credentials: "include",
        })
          .then((r) => r.json())
          .then(({ token }) =>
            $.ajax({ ...opts, headers: { ...(opts.headers || {}), "X-Auth-Token": token } })
              .done(d.resolve)
              .fail(d.reject),
          );
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
    document.getElementById("open-settings").onclick = () =>
      openSettings(manifest, self, call, code, () => settings);
    document.getElementById("open-dp-settings").onclick = () => openDp(manifest, call);
    status(`виджет «${i18n.widget?.name || code}» загружен`);
  }

  function fieldsHtml(defs, values) {
    return Object.entries(defs || {})
      .map(
        ([k, d]) =>
          `<label>${k}: <input name="${k}" type="${d.type === "pass" ? "password" : "text"}" value="${values[k] ?? ""}"></label><br>`,
      )
      .join("");
  }
  function openSettings(manifest, self, call, code, current) {
    const area = document.getElementById("settings-area");
    area.hidden = false;
    const block = area.querySelector(".widget_settings_block");
    block.innerHTML = fieldsHtml(manifest.settings, current());
    call("settings", $(block));
    document.getElementById("save-settings").onclick = async () => {
      const fields = Object.fromEntries(
        [...block.querySelectorAll("input[name]")].map((i) => [i.name, i.value]),
      );
      if (call("onSave", { fields, active: "Y" }) === false) return;
      self.set_settings(fields);
      await fetch(`${EMU.base}/__widget-host/settings`, {
        method: "POST",
        body: JSON.stringify({ code, settings: fields }),
        credentials: "include",
      });
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
