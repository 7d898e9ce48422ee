// Minimal stand-ins for the libraries amoCRM gives widgets through AMD (jquery, underscore, twigjs): only what a
// telephony/DP widget typically touches. Exposed as window.__AMO_LIBS__ for sdk.js.
(() => {
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
      resolve(v) {
        res(v);
        return d;
      },
      reject(e) {
        rej(e);
        return d;
      },
      done(cb) {
        p.then(cb, () => undefined);
        return d;
      },
      fail(cb) {
        p.then(undefined, cb);
        return d;
      },
      always(cb) {
        p.then(cb, cb);
        return d;
      },
      // biome-ignore lint/suspicious/noThenProperty: jQuery's Deferred is a thenable on purpose (widgets await it)
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
    each(o, cb) {
      for (const k of Object.keys(o || {})) cb(o[k], k);
    },
    extend: (...o) => Object.assign(...o),
    isObject: (o) => o !== null && typeof o === "object",
    bind: (fn, ctx) => fn.bind(ctx),
    debounce: (fn) => fn,
  };
  const Twig = {
    twig: ({ data }) => ({
      render: (p) => String(data || "").replace(/{{\s*(\w+)\s*}}/g, (_m, k) => p?.[k] ?? ""),
    }),
  };

  window.__AMO_LIBS__ = { $, _, Twig };
})();
