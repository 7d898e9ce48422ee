"use client";

import { useEffect } from "react";

/**
 * Tells the widget in amoCRM's page how tall this page is, so its iframe fits without a scrollbar. Only a
 * number crosses the frame; the widget accepts it from Amango's origin alone and never runs anything from it.
 */
export function FrameHeightReporter() {
  useEffect(() => {
    if (window.parent === window) return;
    const post = () =>
      window.parent.postMessage(
        { type: "amango:frame-height", height: Math.ceil(document.documentElement.scrollHeight) },
        "*",
      );
    const observer = new ResizeObserver(post);
    observer.observe(document.body);
    post();
    return () => observer.disconnect();
  }, []);
  return null;
}
