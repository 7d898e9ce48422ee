import { describe, expect, it } from "vitest";
import { maskPayload, maskPhone, maskText } from "./mask";

describe("masking for logs and the journal", () => {
  it("keeps a phone recognisable but not dialable", () => {
    expect(maskPhone("+79991234567")).toBe("+7999***4567");
    expect(maskText("звонок с 8 (999) 123-45-67 на 101")).toBe("звонок с 8999***4567 на 101");
  });

  it("censors secret-looking keys and masks phones deep in a payload", () => {
    const out = maskPayload({
      vpbx_api_key: "k",
      sign: "abc",
      json: { from: { number: "79991234567" }, to: { extension: "101" }, refresh_token: "r" },
      list: [{ phone: 79161234567 }],
    });
    expect(out).toEqual({
      vpbx_api_key: "[redacted]",
      sign: "[redacted]",
      json: { from: { number: "7999***4567" }, to: { extension: "101" }, refresh_token: "[redacted]" },
      list: [{ phone: "7916***4567" }],
    });
  });
});
