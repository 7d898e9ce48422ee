// Amango's amoCRM widget: an AMD module returning the widget constructor (amoCRM JS SDK, reference §4).
// Its settings area and its Digital Pipeline settings show Amango pages in an iframe; the iframe is
// authenticated by amoCRM's disposable token, never by anything typed into amoCRM.
define(["jquery"], ($) => {
  // scripts/widget-build.ts (server/widget/package.ts) replaces this with APP_URL, so an admin has nothing
  // to type; the optional `app_url` setting overrides it for a self-hosted or staging portal.
  const BUILT_APP_URL = "__AMANGO_APP_URL__";
  const FRAME_HEIGHT = { settings: 420, dp: 320 };
  const MAX_FRAME_HEIGHT = 1200;

  // biome-ignore lint/correctness/noComponentHookFactories: amoCRM widgets are plain constructors, not React
  const AmangoWidget = function () {
    const self = this;

    const appUrl = () => {
      const override = String(self.get_settings().app_url || "").trim();
      return /^https?:\/\/[^\s/]+/i.test(override) ? override.replace(/\/+$/, "") : BUILT_APP_URL;
    };

    const text = (section, key) => self.i18n(section)?.[key] || key;

    const escapeAttr = (v) => String(v).replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

    // The stage a DP action is configured on: amoCRM does not pass it to dpSettings (web_sdk/digital_pipeline),
    // so it is read from the page when present (data attributes, the pipeline id in the URL); else omitted.
    const dpContext = ($area) => {
      const node = $area?.[0];
      const holder = node?.closest ? node.closest("[data-status-id],[data-pipeline-id]") : null;
      const fromUrl = /\/pipeline\/(\d+)/.exec(window.location.pathname);
      const ctx = {};
      const pipeline = holder?.getAttribute("data-pipeline-id") || fromUrl?.[1];
      const status = holder?.getAttribute("data-status-id");
      if (pipeline && /^\d+$/.test(pipeline)) ctx.pipeline_id = pipeline;
      if (status && /^\d+$/.test(status)) ctx.status_id = status;
      return ctx;
    };

    // Amango's pages report their height (components/widget/frame-height.tsx). Only a number from Amango's
    // origin is taken, and only for one of our own frames: nothing coming from the iframe is executed.
    let listening = false;
    const listenForHeights = () => {
      if (listening) return;
      listening = true;
      window.addEventListener("message", (e) => {
        if (e.origin !== new URL(appUrl()).origin || e.data?.type !== "amango:frame-height") return;
        const height = Number(e.data.height);
        if (!Number.isFinite(height)) return;
        for (const frame of document.querySelectorAll("iframe.amango-frame")) {
          if (frame.contentWindow === e.source) {
            frame.style.height = `${Math.min(Math.max(Math.round(height), 80), MAX_FRAME_HEIGHT)}px`;
          }
        }
      });
    };

    // The SDK never hands the disposable token to widget code: $authorizedAjax only sends it as X-Auth-Token.
    // Amango's launch endpoint verifies it and hands it back, and the widget POSTs it into the iframe (a form
    // submission rather than a query string, so the token stays out of URLs, history and access logs).
    this.openAmangoFrame = ($container, area, context) => {
      const name = `amango_${area}_${Date.now()}`;
      listenForHeights();
      $container.find(".amango-frame-box").remove();
      $container.append(
        `<div class="amango-frame-box" data-area="${area}">` +
          `<p class="amango-frame-status">${escapeAttr(text("frame", "loading"))}</p>` +
          `<iframe class="amango-frame amango-${area}-frame" name="${name}" title="${escapeAttr(text("frame", "title"))}"` +
          ` style="width:100%;height:${FRAME_HEIGHT[area]}px;border:0"></iframe></div>`,
      );
      const box = $container.find(".amango-frame-box")[0];
      const status = $container.find(".amango-frame-status");
      self
        .$authorizedAjax({
          url: `${appUrl()}/api/widget/launch`,
          type: "POST",
          data: { area, ...context },
          dataType: "json",
        })
        .done((res) => {
          const data = typeof res === "string" ? JSON.parse(res) : res;
          const form = document.createElement("form");
          form.method = "POST";
          form.action = data.action;
          form.target = name;
          form.style.display = "none";
          for (const [key, value] of Object.entries({ ...context, area, token: data.token })) {
            const input = document.createElement("input");
            input.type = "hidden";
            input.name = key;
            input.value = String(value);
            form.appendChild(input);
          }
          box.appendChild(form);
          form.submit();
          form.remove();
          status.hide();
        })
        .fail(() => status.text(text("frame", "error")));
    };

    this.callbacks = {
      // Nothing is drawn on ordinary pages yet: the call card arrives with the calls feature.
      render: () => true,
      init: () => true,
      bind_actions: () => true,
      settings($modal) {
        const $body = $modal?.length ? $modal : $(".widget_settings_block");
        self.openAmangoFrame($body, "settings", {});
        return true;
      },
      // amoCRM stores what the settings form holds; Amango keeps its own settings in the portal.
      onSave: () => true,
      dpSettings($area) {
        const code = self.get_settings().widget_code;
        const $holder = $area?.length
          ? $area
          : $(`.digital-pipeline__short-task_widget-style_${code}`).parent().parent();
        // The stage's rules live in Amango; the amoCRM field only exists because dp.settings needs one.
        $holder.find("input[name=amango_rules]").each((_, input) => {
          (input.closest("label") || input).style.display = "none";
        });
        self.openAmangoFrame($holder, "dp", dpContext($holder));
        return true;
      },
      destroy() {
        $(".amango-frame-box").remove();
      },
    };
    return this;
  };
  return AmangoWidget;
});
