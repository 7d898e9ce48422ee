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

    // The live call card (issue 6). The stream is opened once per page (init_once): a ticket bought with the
    // disposable token (EventSource cannot send X-Auth-Token), then Server-Sent Events of this user's cards.
    // The card is our own small DOM block rather than APP.notifications.add_call: it must change in place on
    // answer and hangup and carry buttons, which amoCRM's notifications cannot.
    const CARD_CLOSE_AFTER_MS = 15_000;
    let stream = null;
    let retryMs = 2_000;
    const calls = (key) => text("calls", key);
    const setStreamState = (state) => {
      document.documentElement.setAttribute("data-amango-calls", state);
    };
    const el = (tag, cls, content) => {
      const node = document.createElement(tag);
      if (cls) node.className = cls;
      if (content !== undefined) node.textContent = String(content);
      return node;
    };
    const link = (cls, item) => {
      const a = el("a", cls, item.name || `#${item.id}`);
      if (/^https?:\/\//i.test(item.url)) a.href = item.url;
      a.target = "_top";
      return a;
    };
    const cardBox = () => {
      let box = document.getElementById("amango-call-cards");
      if (!box) {
        box = el("div");
        box.id = "amango-call-cards";
        box.style.cssText =
          "position:fixed;right:16px;bottom:16px;z-index:10000;display:flex;flex-direction:column;gap:8px;width:320px;font:13px/1.4 sans-serif";
        document.body.appendChild(box);
      }
      return box;
    };

    // A Contact Center campaign call (ObDial): what the campaign task says about the client.
    const campaignBlock = (c) => {
      const part = el("div", "amango-card-campaign");
      part.style.cssText = "margin:4px 0;padding:4px 6px;background:#f3f7ff";
      const title = c.campaignName ? `${calls("campaign")} «${c.campaignName}»` : calls("campaign_call");
      part.appendChild(el("div", "amango-card-campaign-name", title));
      if (c.clientName)
        part.appendChild(
          el("div", "amango-card-campaign-client", `${calls("campaign_client")}: ${c.clientName}`),
        );
      if (c.alternativeNumbers?.length)
        part.appendChild(
          el(
            "div",
            "amango-card-campaign-numbers",
            `${calls("campaign_numbers")}: ${c.alternativeNumbers.join(", ")}`,
          ),
        );
      if (c.comment)
        part.appendChild(
          el("div", "amango-card-campaign-comment", `${calls("campaign_comment")}: ${c.comment}`),
        );
      return part;
    };

    // «Открывать в отдельной вкладке карточку сделки при автозвонке»: the server names the deal only then.
    // Opened once per call, and once across this user's tabs of amoCRM (they all get the same card).
    const openedDeals = new Set();
    const openDealOnce = (card) => {
      const url = card.openDealUrl;
      if (!url || !/^https?:\/\//i.test(url) || openedDeals.has(card.entryId)) return;
      openedDeals.add(card.entryId);
      const key = `amango-deal-opened:${card.entryId}`;
      try {
        if (window.localStorage.getItem(key)) return;
        window.localStorage.setItem(key, String(Date.now()));
      } catch {
        // No storage (private mode): this tab alone decides.
      }
      window.open(url, "_blank");
    };

    const createFromCard = (card, action, button, errorLine) => {
      button.disabled = true;
      button.textContent = calls("creating");
      self
        .$authorizedAjax({
          url: `${appUrl()}/api/widget/calls/action`,
          type: "POST",
          data: { entry_id: card.entryId, action },
          dataType: "json",
        })
        .done((res) => {
          const data = typeof res === "string" ? JSON.parse(res) : res;
          showCard({ ...card, lookup: "done", client: data.client });
        })
        .fail(() => {
          button.disabled = false;
          button.textContent = calls(action === "deal" ? "create_deal" : "create_contact");
          errorLine.textContent = calls("create_failed");
        });
    };

    const clientBlock = (card) => {
      const part = el("div", "amango-card-client");
      const c = card.client;
      const only = (cls, key) => {
        part.appendChild(el("div", cls, calls(key)));
        return part;
      };
      if (card.lookup === "pending" || !c) return only("amango-card-pending", "looking_up");
      if (c.status === "unavailable") return only("amango-card-unavailable", "unavailable");
      if (c.status === "new") {
        part.appendChild(el("div", "amango-card-new", calls("new_client")));
        const errorLine = el("div", "amango-card-error");
        for (const action of ["contact", "deal"]) {
          const b = el(
            "button",
            `amango-card-create-${action}`,
            calls(action === "deal" ? "create_deal" : "create_contact"),
          );
          b.type = "button";
          b.style.marginRight = "6px";
          b.addEventListener("click", () => createFromCard(card, action, b, errorLine));
          part.appendChild(b);
        }
        part.appendChild(errorLine);
        return part;
      }
      part.appendChild(link("amango-card-contact", c.contact)).style.fontWeight = "bold";
      if (c.company) {
        const row = el("div", "amango-card-company", `${calls("company")}: `);
        row.appendChild(link("", c.company));
        part.appendChild(row);
      }
      if (c.responsible)
        part.appendChild(
          el("div", "amango-card-responsible", `${calls("responsible")}: ${c.responsible.name}`),
        );
      // The contact is shown after amoCRM's first answer; its deals follow in the next message.
      const dealsTitle =
        c.details === "pending"
          ? calls("looking_up")
          : c.leads.length
            ? `${calls("deals")}:`
            : calls("no_deals");
      const deals = el("div", "amango-card-deals", dealsTitle);
      for (const lead of c.leads) {
        const row = el("div");
        row.appendChild(link("amango-card-deal", lead));
        deals.appendChild(row);
      }
      part.appendChild(deals);
      return part;
    };

    const showCard = (card) => {
      const box = cardBox();
      let node = box.querySelector(`[data-entry-id="${CSS.escape(card.entryId)}"]`);
      if (!node) {
        node = el("div", "amango-call-card");
        node.setAttribute("data-entry-id", card.entryId);
        node.setAttribute("role", "status");
        node.style.cssText =
          "background:#fff;border-left:4px solid #2ebd59;box-shadow:0 2px 8px rgba(0,0,0,.25);padding:10px 12px";
        box.appendChild(node);
      }
      node.setAttribute("data-state", card.state);
      node.replaceChildren();
      // A campaign autocall rings the operator before the client: not an incoming call.
      const title = card.campaign && card.state === "ringing" ? "campaign_ringing" : card.state;
      const head = el("div", "amango-card-header", calls(title));
      head.style.fontWeight = "bold";
      const close = el("button", "amango-card-close", "×");
      close.type = "button";
      close.title = calls("close");
      close.style.cssText = "float:right;border:0;background:none;cursor:pointer;font-size:16px";
      close.addEventListener("click", () => node.remove());
      head.prepend(close);
      node.append(head, el("div", "amango-card-phone", card.phone));
      if (card.line) node.appendChild(el("div", "amango-card-line", `${calls("line")}: ${card.line}`));
      if (card.campaign) node.appendChild(campaignBlock(card.campaign));
      node.appendChild(clientBlock(card));
      if (card.lastCall) {
        const lc = card.lastCall;
        const how = lc.answered
          ? `${calls("last_call_answered")} ${lc.talkSeconds} ${calls("seconds")}`
          : lc.direction === "outgoing"
            ? calls("last_call_not_answered")
            : calls("last_call_missed");
        node.appendChild(
          el(
            "div",
            "amango-card-last-call",
            `${calls("last_call")}: ${new Date(lc.at).toLocaleString()} · ${how}`,
          ),
        );
      }
      openDealOnce(card);
      clearTimeout(node.amangoTimer);
      // A finished call's card goes away by itself, except a new client's: its buttons stay usable after the call.
      if (card.state === "ended" && card.client?.status !== "new")
        node.amangoTimer = setTimeout(() => node.remove(), CARD_CLOSE_AFTER_MS);
    };

    const openCallStream = () => {
      if (typeof window.EventSource !== "function") return setStreamState("unsupported");
      self
        .$authorizedAjax({
          url: `${appUrl()}/api/widget/calls/ticket`,
          type: "POST",
          data: {},
          dataType: "json",
        })
        .done((res) => {
          const data = typeof res === "string" ? JSON.parse(res) : res;
          stream?.close();
          stream = new EventSource(data.stream);
          stream.addEventListener("ready", () => {
            retryMs = 2_000;
            setStreamState("open");
          });
          stream.addEventListener("card", (e) => showCard(JSON.parse(e.data)));
          // A network blip is retried by EventSource itself; a closed stream (lifetime over, ticket expired,
          // mapping removed) needs a fresh ticket, with a growing pause so a refusing server is not hammered.
          stream.onerror = () => {
            if (stream.readyState !== EventSource.CLOSED) return setStreamState("reconnecting");
            setStreamState("closed");
            setTimeout(openCallStream, retryMs);
            retryMs = Math.min(retryMs * 2, 60_000);
          };
        })
        .fail((xhr) => {
          // 403: this user has no MANGO extension paired in Amango — no cards, no retries until the next page.
          if (xhr?.status === 403) return setStreamState("not-mapped");
          setStreamState("closed");
          setTimeout(openCallStream, Math.max(retryMs, 30_000));
        });
    };

    this.callbacks = {
      render: () => true,
      init: () => {
        if (!stream) openCallStream();
        return true;
      },
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
        stream?.close();
        stream = null;
        document.getElementById("amango-call-cards")?.remove();
      },
    };
    return this;
  };
  return AmangoWidget;
});
