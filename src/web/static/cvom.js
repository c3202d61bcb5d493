/* cvom.js — progressive enhancement of the pages; everything works without it.
 *  - the matrix: a tooltip on hover and keyboard focus of a bubble (from its <title>), and
 *    a table row and its bubble light up together;
 *  - filter forms marked data-autosubmit apply as soon as a value changes;
 *  - buttons with data-copy="ID" copy the value of the field ID;
 *  - forms marked data-progress count the statements answered so far.
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
            if (!out || !items.length) return;
            function count() {
                var n = 0;
                Array.prototype.forEach.call(items, function (it) {
                    var c = it.querySelector("input[type=radio]:checked");
                    if (c && c.value !== "") n++;
                    if (c) it.classList.remove("invalid");
                });
                out.textContent = n + " of " + items.length + " answered";
            }
            f.addEventListener("change", count);
            count();
        });
    }

    ready(function () {
        matrix();
        autosubmit();
        copyButtons();
        progress();
    });
})();
