/* cvom.js — progressive enhancement of the pages; everything works without it.
 *  - the matrix: a tooltip on hover and keyboard focus of a bubble (from its <title>), and
 *    a table row and its bubble light up together;
 *  - filter forms marked data-autosubmit apply as soon as a value changes;
 *  - buttons with data-copy="ID" copy the value of the field ID;
 *  - forms marked data-progress count the statements answered so far;
 *  - forms marked data-draft save their answers as the respondent goes;
 *  - the sticky bar of a long form keeps room for itself at the end of the page.
 * Text from the page is only ever set with textContent, never parsed as HTML. */
"use strict";

(function () {
    function ready(fn) {
        if (document.readyState !== "loading") fn();
        else document.addEventListener("DOMContentLoaded", fn);
    }

    function each(selector, fn) {
        Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
    }

    function closest(el, tag, stop) {
        while (el && el !== stop) {
            if (el.nodeType === 1 && el.tagName.toLowerCase() === tag) return el;
            el = el.parentNode;
        }
        return null;
    }

    /* ---- the matrix ---------------------------------------------------------------------- */

    function matrix() {
        var pts = document.querySelector("svg.plot-pts");
        if (!pts) return;
        var plot = pts.parentNode;
        var tip = document.createElement("div");
        tip.className = "tip";
        tip.hidden = true;
        tip.setAttribute("aria-hidden", "true"); /* the link's own name says the same */
        plot.appendChild(tip);
        var table = document.querySelector("#tbl-h") && document.querySelector("#tbl-h").parentNode;
        var lit = [];

        /* The first time a bubble is used, its <title> becomes the link's label and the
         * tooltip's text, so that the browser's own tooltip does not show as well. */
        function text(a) {
            var t = a.querySelector("title");
            if (t) {
                a.setAttribute("data-tip", t.textContent);
                a.setAttribute("aria-label", t.textContent.replace(/\n/g, ", "));
                t.parentNode.removeChild(t);
            }
            return a.getAttribute("data-tip") || "";
        }

        function light(href, on) {
            lit.forEach(function (el) { el.classList.remove("hl"); });
            lit = [];
            if (!on || !href) return;
            var b = pts.querySelector('a[href="' + href + '"]');
            if (b) {
                b.classList.add("hl");
                lit.push(b);
            }
            if (table) {
                var link = table.querySelector('tbody a[href="' + href + '"]');
                var row = link && closest(link, "tr", table);
                if (row) { row.classList.add("hl"); lit.push(row); }
            }
        }

        function show(a) {
            var lines = text(a).split("\n");
            tip.textContent = "";
            var head = document.createElement("strong");
            head.textContent = lines[0];
            tip.appendChild(head);
            for (var i = 1; i < lines.length; i++) {
                var line = document.createElement("div");
                line.textContent = lines[i];
                tip.appendChild(line);
            }
            tip.hidden = false;
            var c = a.querySelector("circle").getBoundingClientRect();
            var p = plot.getBoundingClientRect();
            var w = tip.offsetWidth, h = tip.offsetHeight;
            var left = c.left + c.width / 2 - p.left - w / 2;
            left = Math.max(4, Math.min(left, p.width - w - 4));
            var top = c.top - p.top - h - 8;
            if (top < 0) top = c.bottom - p.top + 8;
            tip.style.left = left + "px";
            tip.style.top = top + "px";
            light(a.getAttribute("href"), true);
        }

        function hide() {
            tip.hidden = true;
            light(null, false);
        }

        pts.addEventListener("mouseover", function (e) {
            var a = closest(e.target, "a", pts);
            if (a) show(a);
        });
        pts.addEventListener("mouseout", function (e) {
            if (!closest(e.relatedTarget, "a", pts)) hide();
        });
        pts.addEventListener("focusin", function (e) {
            var a = closest(e.target, "a", pts);
            if (a) show(a);
        });
        pts.addEventListener("focusout", hide);
        document.addEventListener("keydown", function (e) {
            if (e.key === "Escape") hide();
        });

        if (table) {
            table.addEventListener("mouseover", function (e) {
                var row = closest(e.target, "tr", table);
                var link = row && row.querySelector("a[href^='/accounts/']");
                if (link) light(link.getAttribute("href"), true);
            });
            table.addEventListener("mouseleave", function () { light(null, false); });
            table.addEventListener("focusin", function (e) {
                var link = closest(e.target, "a", table);
                if (link && /^\/accounts\/\d+$/.test(link.getAttribute("href") || ""))
                    light(link.getAttribute("href"), true);
            });
        }
    }

    /* ---- forms ------------------------------------------------------------------------------- */

    function autosubmit() {
        each("form[data-autosubmit]", function (f) {
            f.addEventListener("change", function (e) {
                if (e.target.tagName.toLowerCase() !== "select" && e.target.type !== "date") return;
                if (e.target.type === "date" && e.target.value && !e.target.checkValidity()) return;
                if (f.requestSubmit) f.requestSubmit();
                else f.submit();
            });
        });
    }

    function copyButtons() {
        each("button[data-copy]", function (b) {
            var field = document.getElementById(b.getAttribute("data-copy"));
            if (!field) return;
            var label = b.textContent;
            function done(ok) {
                b.textContent = ok ? "Copied" : "Press Ctrl+C to copy";
                setTimeout(function () { b.textContent = label; }, 2500);
            }
            b.addEventListener("click", function () {
                field.focus();
                field.select();
                if (navigator.clipboard && window.isSecureContext) {
                    navigator.clipboard.writeText(field.value).then(function () { done(true); },
                        function () { done(false); });
                } else {
                    var ok = false;
                    try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
                    done(ok);
                }
            });
        });
    }

    function progress() {
        each("form[data-progress]", function (f) {
            var out = f.querySelector(".progress");
            var items = f.querySelectorAll("fieldset.item");
            var text = f.getAttribute("data-progress-text") || "{n} of {total} answered";
            if (!out || !items.length) return;
            function count() {
                var n = 0;
                Array.prototype.forEach.call(items, function (it) {
                    var c = it.querySelector("input[type=radio]:checked");
                    if (c && c.value !== "") n++;
                    if (c) it.classList.remove("invalid");
                });
                out.textContent = text.replace("{n}", n).replace("{total}", items.length);
            }
            f.addEventListener("change", count);
            count();
        });
    }

    // Forms marked data-draft keep their answers on the server as the respondent goes: a
    // moment after each change the whole form is posted to that address (the page's own
    // origin); the plain post of the form still sends every answer.
    function drafts() {
        each("form[data-draft]", function (f) {
            var url = f.getAttribute("data-draft");
            var status = f.querySelector(".saved");
            var timer = null, busy = false, again = false;
            function say(text) {
                if (status) status.textContent = text || "";
            }
            function save() {
                timer = null;
                if (busy) { again = true; return; }
                busy = true;
                fetch(url, { method: "POST", body: new URLSearchParams(new FormData(f)),
                             credentials: "same-origin" })
                    .then(function (r) {
                        say(f.getAttribute(r.ok ? "data-saved-text" : "data-failed-text"));
                    }, function () { say(f.getAttribute("data-failed-text")); })
                    .then(function () {
                        busy = false;
                        if (again) { again = false; save(); }
                    });
            }
            function later(ms) {
                if (timer) clearTimeout(timer);
                say("");
                timer = setTimeout(save, ms);
            }
            f.addEventListener("change", function () { later(200); });
            f.addEventListener("input", function (e) {
                if (e.target.tagName === "TEXTAREA") later(1000);
            });
            f.addEventListener("submit", function () {
                if (timer) clearTimeout(timer);
                timer = null;
            });
            // Leaving with a change not yet sent: send it on the way out.
            window.addEventListener("pagehide", function () {
                if (!timer || !navigator.sendBeacon) return;
                clearTimeout(timer);
                timer = null;
                navigator.sendBeacon(url, new URLSearchParams(new FormData(f)));
            });
        });
    }

    // The sticky bar of a long form: the page keeps room for it at its end, and scrolling to
    // a statement (by keyboard or a link) stops above the bar instead of under it.
    function barRoom() {
        var bar = document.querySelector(".submitbar");
        if (!bar) return;
        function fit() {
            document.documentElement.style.setProperty("--bar-room", bar.offsetHeight + "px");
        }
        fit();
        window.addEventListener("resize", fit);
    }

    ready(function () {
        matrix();
        autosubmit();
        copyButtons();
        progress();
        drafts();
        barRoom();
    });
})();
