/*
 * Try Now: the file tree and tabs, Monaco, xterm.js for the workspace's terminal over a
 * WebSocket, and the day's Try Now meter (docs/reference/ide-protocol.md). No inline script: the
 * portal's CSP allows scripts from its own origin only.
 */
(function () {
    "use strict";

    const main = document.getElementById("main");
    // Facelets leaves out an empty attribute: the portal at the root has no data-context.
    const context = main.dataset.context || "";
    const api = context + "/app/api/workspace";
    const status = document.getElementById("ide-status");
    const fileName = document.getElementById("file-name");
    const encoder = new TextEncoder();
    const byId = (id) => document.getElementById(id);

    const SHELL_ENDED = 4001;
    const QUOTA_USED_UP = 4002;
    const IDLE = 4003;
    const ENDED_BY_ADMINISTRATOR = 4004;
    const ACCESS_ENDED = 4005;
    const TRY_AGAIN_LATER = 1013;
    const quote = (path) => "'" + path.replace(/'/g, "'\\''") + "'";
    const runners = {
        py: (f) => "python3 " + quote(f),
        c: (f) => "gcc -Wall -o /tmp/a.out " + quote(f) + " -lm && /tmp/a.out",
        cpp: (f) => "g++ -Wall -o /tmp/a.out " + quote(f) + " && /tmp/a.out",
        java: (f) => "java " + quote(f),
        js: (f) => "node " + quote(f),
        sh: (f) => "bash " + quote(f)
    };
    // Project templates: files, the first one opened; each program prints a greeting.
    const templates = {
        py: [{ path: "main.py", text: 'print("Hello from your workspace")\n' }],
        c: [{ path: "main.c", text: '#include <stdio.h>\n\nint main(void)\n{\n    printf("Hello from your workspace\\n");\n    return 0;\n}\n' }],
        cpp: [{ path: "main.cpp", text: '#include <iostream>\n\nint main()\n{\n    std::cout << "Hello from your workspace" << std::endl;\n    return 0;\n}\n' }],
        java: [{ path: "Main.java", text: 'public class Main {\n    public static void main(String[] args) {\n        System.out.println("Hello from your workspace");\n    }\n}\n' }],
        js: [{ path: "main.js", text: 'console.log("Hello from your workspace");\n' }],
        web: [
            { path: "site/index.html", text: '<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta charset="UTF-8">\n  <title>My page</title>\n  <link rel="stylesheet" href="style.css">\n</head>\n<body>\n  <h1>Hello from your workspace</h1>\n  <p id="clicks">Click me</p>\n  <script src="app.js"></script>\n</body>\n</html>\n' },
            { path: "site/style.css", text: 'body { font-family: sans-serif; margin: 2rem; }\nh1 { color: #2563eb; }\n' },
            { path: "site/app.js", text: 'let clicks = 0;\ndocument.getElementById("clicks").addEventListener("click", (event) => {\n  event.target.textContent = "Clicked " + ++clicks + " times";\n});\n' }
        ]
    };
    const languages = {
        py: "python", c: "c", h: "c", cpp: "cpp", hpp: "cpp", java: "java", js: "javascript",
        sh: "shell", html: "html", htm: "html", css: "css", json: "json", md: "markdown",
        txt: "plaintext", xml: "xml", yml: "yaml", yaml: "yaml", sql: "sql", ts: "typescript"
    };

    function say(text) {
        status.textContent = text;
    }

    function alertBar(text, resumable) {
        byId("ide-alert-text").textContent = text || "";
        byId("ide-alert").hidden = !text;
        byId("resume").hidden = !resumable;
    }

    function extensionOf(path) {
        const name = path.substring(path.lastIndexOf("/") + 1);
        const dot = name.lastIndexOf(".");
        return dot < 1 ? "" : name.substring(dot + 1).toLowerCase();
    }

    async function call(method, path, params, body, contentType) {
        const query = new URLSearchParams(params || {}).toString();
        const headers = { "X-CodaiPro-IDE": "1" };
        if (contentType) {
            headers["Content-Type"] = contentType;
        }
        const response = await fetch(api + path + (query ? "?" + query : ""), { method, headers, body });
        if (!response.ok) {
            let detail = response.statusText || "HTTP " + response.status;
            try { detail = (await response.json()).detail || detail; } catch (e) { /* not a problem body */ }
            const error = new Error(detail);
            error.status = response.status;
            throw error;
        }
        return response;
    }

    // --- terminal -------------------------------------------------------------------------
    const term = new Terminal({ cursorBlink: true, fontSize: 14, scrollback: 5000, convertEol: false });
    const fit = new FitAddon.FitAddon();
    term.loadAddon(fit);
    term.loadAddon(new WebLinksAddon.WebLinksAddon());
    term.open(byId("terminal"));
    fit.fit();

    let socket = null;
    let retries = 0;

    function connect() {
        const scheme = location.protocol === "https:" ? "wss:" : "ws:";
        const url = scheme + "//" + location.host + context + "/app/terminal?columns=" + term.cols + "&rows=" + term.rows;
        socket = new WebSocket(url);
        socket.binaryType = "arraybuffer";
        let announced = null; // a close the server asked for: its code and reason
        // The socket opens at once; the workspace behind it may take a moment to start. The
        // server says {"ready":true} once keys reach the shell (keys typed before that wait), or
        // {"busy":…} when it cannot start yet and the server tries again by itself.
        socket.onmessage = (event) => {
            if (typeof event.data !== "string") {
                term.write(new Uint8Array(event.data));
                return;
            }
            const message = JSON.parse(event.data);
            if (message.close) {
                // The server asks the page to close (see docs/reference/ide-protocol.md): the
                // close is handled as if it had come with the server's code and reason.
                announced = { code: message.close, reason: message.reason };
                event.target.close(1000);
            } else if (message.busy) {
                say("The server is busy; trying again shortly…");
            } else if (message.ready) {
                retries = 0;
                quotaAt = Date.now(); // the meter counts from now, not from the last reading
                say("Workspace ready");
                alertBar("");
                document.body.dataset.terminal = "open";
                refreshTree();
                refreshQuota();
                refreshHome();
            }
        };
        socket.onclose = (closed) => {
            const event = announced || closed;
            // The meter stops where it was (it counts only while the terminal is shown), rather
            // than going back to the last figure read from the server.
            if (quota && !quota.unlimited && document.body.dataset.terminal === "open") {
                quota.remainingSeconds = Math.max(0, quota.remainingSeconds - (Date.now() - quotaAt) / 1000);
                quotaAt = Date.now();
            }
            document.body.dataset.terminal = "closed";
            if (event.code === 1008) {
                say("Signed out.");
                alertBar("Sign in again to use your workspace.");
                return;
            }
            if (event.code === QUOTA_USED_UP) {
                if (quota) {
                    quota.remainingSeconds = 0;
                    showQuota();
                }
                say("Try Now time used up.");
                alertBar("Today's Try Now time is used up. Your files are kept; it starts again tomorrow.");
                refreshQuota();
                return;
            }
            if (event.code === IDLE) {
                say("Stopped: not used for a while.");
                alertBar("Your workspace was stopped because it was not used (" + event.reason
                    + "). Your files are kept.", true);
                return;
            }
            if (event.code === ACCESS_ENDED) {
                say("Signed out by an administrator.");
                alertBar("An administrator ended your session. Your files are kept; sign in again to go on.");
                return;
            }
            if (event.code === ENDED_BY_ADMINISTRATOR) {
                say("Ended by an administrator.");
                alertBar("An administrator ended your workspace. Your files are kept.", true);
                return;
            }
            say(event.code === SHELL_ENDED ? "The shell ended; starting a new one…"
                : event.code === TRY_AGAIN_LATER ? "The server is busy; trying again shortly…"
                : "Reconnecting…");
            // Exponential back-off with jitter, longer when the server said "try again later"
            // (1013), so that many pages refused at once do not all come back at once.
            const base = event.code === TRY_AGAIN_LATER ? 2000 : 500;
            const ceiling = event.code === TRY_AGAIN_LATER ? 60000 : 10000;
            const delay = Math.min(ceiling, base * Math.pow(2, retries++));
            setTimeout(retries > 2 ? reconnectOrSignIn : connect, delay / 2 + Math.random() * delay / 2);
        };
    }

    // A restarted server has forgotten the session, so the handshake would be refused for good.
    // When this page itself now sends the visitor to sign in, reload it: single sign-on brings
    // them straight back, and the workspace opens again on their volume.
    function reconnectOrSignIn() {
        fetch(location.href, { redirect: "manual", credentials: "same-origin", cache: "no-store" })
            .then((answer) => {
                if (answer.type === "opaqueredirect" || answer.status === 401 || answer.status === 403) {
                    say("Signing in again…");
                    location.reload();
                } else {
                    connect();
                }
            })
            .catch(connect);
    }
    byId("resume").addEventListener("click", () => {
        alertBar("");
        say("Starting your workspace…");
        connect();
    });

    term.onData((data) => {
        if (socket && socket.readyState === WebSocket.OPEN) {
            socket.send(encoder.encode(data));
        }
    });
    term.onResize(({ cols, rows }) => {
        if (socket && socket.readyState === WebSocket.OPEN) {
            socket.send(JSON.stringify({ resize: [cols, rows] }));
        }
    });
    new ResizeObserver(() => fit.fit()).observe(byId("terminal"));
    // The server closes tabs it has heard nothing from for a while (a vanished browser).
    setInterval(() => {
        if (socket && socket.readyState === WebSocket.OPEN) {
            socket.send(JSON.stringify({ ping: 1 }));
        }
    }, 30000);
    connect();

    // --- home usage ------------------------------------------------------------------------
    function megabytes(bytes) {
        return (bytes / 1000000).toFixed(1) + " MB";
    }

    async function refreshHome(attempt = 0) {
        try {
            const home = await (await call("GET", "/home")).json();
            const box = byId("home-usage");
            box.textContent = "Home: " + megabytes(home.usedBytes) + " of " + megabytes(home.totalBytes) + " used";
            box.dataset.state = home.usedBytes >= home.totalBytes * 0.95 || home.usedInodes >= home.totalInodes ? "full" : "ok";
            box.hidden = false;
        } catch (e) {
            // The volume may still be coming up as the workspace opens: ask again a few times,
            // then the figure waits for the next save.
            if (attempt < 4) {
                setTimeout(() => refreshHome(attempt + 1), 1000 * (attempt + 1));
            }
        }
    }

    // --- quota meter ----------------------------------------------------------------------
    let quota = null;
    let quotaAt = 0;

    function duration(seconds) {
        const hours = Math.floor(seconds / 3600);
        const minutes = Math.floor((seconds % 3600) / 60);
        if (hours > 0) {
            return hours + " h" + (minutes > 0 ? " " + minutes + " min" : "");
        }
        return minutes > 0 ? minutes + " min" : Math.max(0, Math.floor(seconds)) + " s";
    }

    async function refreshQuota() {
        try {
            quota = await (await call("GET", "/quota")).json();
            quotaAt = Date.now();
            showQuota();
        } catch (e) { /* the meter waits for the next try */ }
    }

    function showQuota() {
        if (!quota) {
            return;
        }
        const box = byId("quota");
        const plan = quota.plan.charAt(0) + quota.plan.substring(1).toLowerCase();
        box.hidden = false;
        if (quota.unlimited) {
            box.dataset.state = "unlimited";
            byId("quota-meter").hidden = true;
            byId("quota-text").textContent = "Unlimited Try Now (" + plan + " plan)";
            return;
        }
        const counting = document.body.dataset.terminal === "open";
        const elapsed = counting ? (Date.now() - quotaAt) / 1000 : 0;
        const remaining = Math.max(0, quota.remainingSeconds - elapsed);
        const meter = byId("quota-meter");
        meter.max = quota.allowanceSeconds;
        meter.value = remaining;
        meter.low = quota.warningSeconds;
        meter.optimum = quota.allowanceSeconds;
        byId("quota-text").textContent = duration(remaining) + " of " + duration(quota.allowanceSeconds) + " left today";
        box.dataset.state = remaining <= quota.warningSeconds ? "warning" : "ok";
        if (counting && remaining > 0 && remaining <= quota.warningSeconds) {
            alertBar("Only " + duration(remaining) + " of Try Now left today. Your files are kept when it ends; save your work.");
        }
    }
    setInterval(showQuota, 1000);
    setInterval(refreshQuota, 15000);

    // --- editor and tabs ------------------------------------------------------------------
    let editor = null;
    const tabs = [];
    let active = null;

    function tabOf(path) {
        return tabs.find((tab) => tab.path === path);
    }

    function renderTabs() {
        const strip = byId("tabs");
        strip.replaceChildren();
        for (const tab of tabs) {
            const button = document.createElement("button");
            button.type = "button";
            button.role = "tab";
            button.className = "ide-tab";
            button.dataset.path = tab.path;
            button.setAttribute("aria-selected", String(tab === active));
            button.tabIndex = tab === active ? 0 : -1;
            button.title = tab.path + " (Ctrl+S saves; Delete closes)";
            button.textContent = tab.path.substring(tab.path.lastIndexOf("/") + 1) + (tab.dirty ? " •" : "");
            button.addEventListener("click", () => activate(tab));
            button.addEventListener("keydown", (event) => {
                const at = tabs.indexOf(tab);
                if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
                    const next = tabs[(at + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
                    activate(next);
                    strip.querySelector('[data-path="' + CSS.escape(next.path) + '"]').focus();
                    event.preventDefault();
                } else if (event.key === "Delete") {
                    closeTab(tab);
                    event.preventDefault();
                }
            });
            const close = document.createElement("span");
            close.className = "ide-tab-close";
            close.textContent = "×";
            close.setAttribute("aria-hidden", "true");
            close.addEventListener("click", (event) => {
                event.stopPropagation();
                closeTab(tab);
            });
            button.appendChild(close);
            strip.appendChild(button);
        }
        fileName.textContent = active ? active.path : "";
        const extension = active ? extensionOf(active.path) : "";
        byId("preview").hidden = !(extension === "html" || extension === "htm") || !previewBase;
        if (!byId("preview").hidden) {
            byId("preview").href = previewBase + active.path.split("/").map(encodeURIComponent).join("/");
        }
    }

    function activate(tab) {
        active = tab;
        if (editor) {
            editor.setModel(tab.model);
        }
        renderTabs();
    }

    function openTab(path, text, dirty) {
        let tab = tabOf(path);
        if (!tab) {
            const model = monaco.editor.createModel(text, languages[extensionOf(path)] || "plaintext");
            tab = { path, model, dirty: !!dirty };
            model.onDidChangeContent(() => {
                if (!tab.dirty) {
                    tab.dirty = true;
                    renderTabs();
                }
            });
            tabs.push(tab);
        } else if (text !== null) {
            tab.model.setValue(text);
            tab.dirty = !!dirty;
        }
        activate(tab);
        return tab;
    }

    function closeTab(tab) {
        if (tab.dirty && !window.confirm(tab.path + " has unsaved changes. Close it anyway?")) {
            return;
        }
        const at = tabs.indexOf(tab);
        tabs.splice(at, 1);
        tab.model.dispose();
        if (active === tab) {
            active = null;
            if (tabs.length > 0) {
                activate(tabs[Math.min(at, tabs.length - 1)]);
                return;
            }
            openTab("main.py", "", false);
            return;
        }
        renderTabs();
    }

    async function openFile(path) {
        if (tabOf(path)) {
            activate(tabOf(path));
            return;
        }
        try {
            const text = await (await call("GET", "/file", { path })).text();
            openTab(path, text, false);
            say("Opened " + path);
        } catch (e) {
            say("Cannot open " + path + ": " + e.message);
        }
    }

    async function save(tab) {
        say("Saving " + tab.path + "…");
        try {
            await call("PUT", "/file", { path: tab.path }, tab.model.getValue(), "text/plain; charset=UTF-8");
        } catch (e) {
            if (e.status === 507) {
                alertBar(e.message); // the home is full: say so where it cannot be missed
            }
            throw e;
        } finally {
            refreshHome();
        }
        tab.dirty = false;
        renderTabs();
        say("Saved " + tab.path);
    }

    // Monaco's language services run in web workers: files of the portal's own (built from
    // Monaco's worker entries, see modules/ide-assets), which the CSP's worker-src 'self' allows.
    // editor.main sets its own MonacoEnvironment (blob: workers, refused by that CSP) as it loads,
    // so this one is set after it, before any editor exists.
    const workers = context + "/ide/lib/monaco/workers/";
    const workerFor = (label) => {
        switch (label) {
            case "json": return "json";
            case "css": case "scss": case "less": return "css";
            case "html": case "handlebars": case "razor": return "html";
            case "typescript": case "javascript": return "ts";
            default: return "editor";
        }
    };
    require.config({ paths: { vs: context + "/ide/lib/monaco/vs" } });
    require(["vs/editor/editor.main"], async () => {
        self.MonacoEnvironment = {
            getWorker: (moduleId, label) =>
                new Worker(workers + workerFor(label) + ".worker.js", { name: label })
        };
        editor = monaco.editor.create(byId("editor"), {
            model: null,
            automaticLayout: true,
            minimap: { enabled: false },
            fontSize: 14
        });
        editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, run);
        editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => {
            if (active) {
                save(active).catch((e) => say("Not saved: " + e.message));
            }
        });
        // Escape leaves the editor for keyboard users (Tab indents inside it).
        editor.addCommand(monaco.KeyCode.Escape, () => byId("run").focus());
        await refreshTree();
        if (entries.some((entry) => entry.path === "main.py" && entry.type === "file")) {
            await openFile("main.py");
        } else {
            openTab("main.py", "", true);
        }
        document.body.dataset.editor = "ready";
    });

    byId("template").addEventListener("change", async (event) => {
        const chosen = templates[event.target.value];
        event.target.value = "";
        if (!chosen || !editor) {
            return;
        }
        try {
            // A template never replaces a file: one that exists is opened as it is.
            const existing = new Set(entries.map((entry) => entry.path));
            for (const file of chosen) {
                if (!existing.has(file.path)) {
                    await call("PUT", "/file", { path: file.path }, file.text, "text/plain; charset=UTF-8");
                }
            }
            for (const file of chosen.slice().reverse()) {
                const tab = tabOf(file.path);
                if (tab) {
                    activate(tab);
                } else {
                    const text = await (await call("GET", "/file", { path: file.path })).text();
                    openTab(file.path, text, false);
                }
            }
            say(existing.has(chosen[0].path)
                ? chosen[0].path + " exists already: opened it as it is."
                : "New " + chosen[0].path + " from the template.");
            await refreshTree();
        } catch (e) {
            say("Template not created: " + e.message);
        }
        editor.focus();
    });

    // --- file tree ------------------------------------------------------------------------
    let entries = [];
    let selected = "";
    const expanded = new Set();
    let previewBase = null;

    async function refreshTree() {
        try {
            const listing = await (await call("GET", "/tree")).json();
            entries = listing.entries;
            renderTree();
        } catch (e) {
            say("Cannot list your files: " + e.message);
        }
        try {
            const info = await (await call("GET", "/preview")).json();
            previewBase = info.base;
            renderTabs();
        } catch (e) { /* no preview until the workspace runs */ }
    }

    function visible(entry) {
        if (byId("show-hidden").checked) {
            return true;
        }
        return !entry.path.split("/").some((name) => name.startsWith("."));
    }

    function renderTree() {
        const root = byId("tree");
        root.replaceChildren();
        const lists = new Map([["", root]]);
        for (const entry of entries) {
            if (!visible(entry)) {
                continue;
            }
            const slash = entry.path.lastIndexOf("/");
            const parent = slash < 0 ? "" : entry.path.substring(0, slash);
            const list = lists.get(parent);
            if (!list) {
                continue; // inside a collapsed folder
            }
            const item = document.createElement("li");
            item.role = "treeitem";
            item.className = "ide-entry ide-" + entry.type;
            const button = document.createElement("button");
            button.type = "button";
            button.dataset.path = entry.path;
            button.tabIndex = -1;
            button.textContent = (entry.type === "directory" ? (expanded.has(entry.path) ? "▾ " : "▸ ") : "")
                + entry.path.substring(slash + 1) + (entry.type === "link" ? " →" : "");
            button.title = entry.type === "link" ? entry.path + " is a link: the IDE does not follow links" : entry.path;
            item.setAttribute("aria-selected", String(entry.path === selected));
            button.addEventListener("click", () => choose(entry));
            button.addEventListener("keydown", (event) => treeKey(event, entry));
            item.appendChild(button);
            list.appendChild(item);
            if (entry.type === "directory") {
                item.setAttribute("aria-expanded", String(expanded.has(entry.path)));
                if (expanded.has(entry.path)) {
                    const children = document.createElement("ul");
                    children.role = "group";
                    item.appendChild(children);
                    lists.set(entry.path, children);
                }
            }
        }
        const buttons = root.querySelectorAll("button");
        const current = root.querySelector('button[data-path="' + CSS.escape(selected) + '"]') || buttons[0];
        if (current) {
            current.tabIndex = 0;
        }
        const chosen = entries.find((entry) => entry.path === selected);
        byId("rename").disabled = !chosen;
        byId("delete").disabled = !chosen;
        byId("download").disabled = !chosen || chosen.type !== "file";
    }

    function choose(entry) {
        selected = entry.path;
        if (entry.type === "directory") {
            if (expanded.has(entry.path)) {
                expanded.delete(entry.path);
            } else {
                expanded.add(entry.path);
            }
        } else if (entry.type === "file") {
            openFile(entry.path);
        }
        renderTree();
        const again = byId("tree").querySelector('button[data-path="' + CSS.escape(entry.path) + '"]');
        if (again) {
            again.focus();
        }
    }

    function treeKey(event, entry) {
        const buttons = Array.from(byId("tree").querySelectorAll("button"));
        const at = buttons.findIndex((button) => button.dataset.path === entry.path);
        let next = null;
        if (event.key === "ArrowDown") {
            next = buttons[Math.min(buttons.length - 1, at + 1)];
        } else if (event.key === "ArrowUp") {
            next = buttons[Math.max(0, at - 1)];
        } else if (event.key === "F2") {
            selected = entry.path;
            renameSelected();
        } else if (event.key === "Delete") {
            selected = entry.path;
            deleteSelected();
        } else {
            return;
        }
        event.preventDefault();
        if (next) {
            buttons.forEach((button) => { button.tabIndex = -1; });
            next.tabIndex = 0;
            next.focus();
            selected = next.dataset.path;
            byId("tree").querySelectorAll("li").forEach((item) => item.setAttribute("aria-selected", "false"));
            next.parentElement.setAttribute("aria-selected", "true");
        }
    }

    /** The folder new things go into: the selected folder, or the selected file's. */
    function targetFolder() {
        const chosen = entries.find((entry) => entry.path === selected);
        if (!chosen) {
            return "";
        }
        if (chosen.type === "directory") {
            return chosen.path;
        }
        const slash = chosen.path.lastIndexOf("/");
        return slash < 0 ? "" : chosen.path.substring(0, slash);
    }

    /** Asks for a name in the sidebar's form; resolves to the name, or null when cancelled. */
    function ask(label, initial, okText) {
        const form = byId("ask");
        const input = byId("ask-name");
        byId("ask-label").textContent = label;
        byId("ask-ok").textContent = okText;
        input.hidden = initial === null;
        input.value = initial || "";
        form.hidden = false;
        (initial === null ? byId("ask-ok") : input).focus();
        if (initial) {
            const dot = initial.lastIndexOf(".");
            input.setSelectionRange(initial.lastIndexOf("/") + 1, dot > initial.lastIndexOf("/") + 1 ? dot : initial.length);
        }
        return new Promise((resolve) => {
            const done = (value) => {
                form.hidden = true;
                form.onsubmit = null;
                byId("ask-cancel").onclick = null;
                resolve(value);
            };
            form.onsubmit = (event) => {
                event.preventDefault();
                done(initial === null ? "" : input.value.trim());
            };
            byId("ask-cancel").onclick = () => done(null);
            form.onkeydown = (event) => {
                if (event.key === "Escape") {
                    done(null);
                }
            };
        });
    }

    async function act(what, action) {
        try {
            await action();
            await refreshTree();
        } catch (e) {
            say(what + " failed: " + e.message);
            alertBar(what + " failed: " + e.message);
        }
    }

    byId("new-file").addEventListener("click", async () => {
        const folder = targetFolder();
        const name = await ask("New file name", folder ? folder + "/" : "", "Create");
        if (name) {
            await act("Creating " + name, async () => {
                await call("PUT", "/file", { path: name }, "", "text/plain; charset=UTF-8");
                say("Created " + name);
                openTab(name, "", false);
            });
        }
    });

    byId("new-folder").addEventListener("click", async () => {
        const folder = targetFolder();
        const name = await ask("New folder name", folder ? folder + "/" : "", "Create");
        if (name) {
            await act("Creating " + name, async () => {
                await call("POST", "/folder", { path: name });
                expanded.add(name);
                say("Created folder " + name);
            });
        }
    });

    async function renameSelected() {
        const from = selected;
        if (!from) {
            return;
        }
        const to = await ask("Rename " + from + " to", from, "Rename");
        if (to && to !== from) {
            await act("Renaming " + from, async () => {
                await call("POST", "/rename", { from, to });
                for (const tab of tabs) {
                    if (tab.path === from || tab.path.startsWith(from + "/")) {
                        tab.path = to + tab.path.substring(from.length);
                    }
                }
                selected = to;
                renderTabs();
                say("Renamed " + from + " to " + to);
            });
        }
    }
    byId("rename").addEventListener("click", renameSelected);

    async function deleteSelected() {
        const path = selected;
        if (!path) {
            return;
        }
        const entry = entries.find((e) => e.path === path);
        const sure = await ask("Delete " + path + (entry && entry.type === "directory" ? " and everything in it?" : "?"), null, "Delete");
        if (sure !== null) {
            await act("Deleting " + path, async () => {
                await call("DELETE", "/file", { path });
                for (const tab of tabs.filter((t) => t.path === path || t.path.startsWith(path + "/"))) {
                    tab.dirty = false;
                    closeTab(tab);
                }
                selected = "";
                say("Deleted " + path);
            });
        }
    }
    byId("delete").addEventListener("click", deleteSelected);

    byId("download").addEventListener("click", () => {
        if (selected) {
            window.location.href = api + "/file?" + new URLSearchParams({ path: selected, download: "true" });
        }
    });
    byId("export").href = api + "/zip";

    byId("upload").addEventListener("change", async (event) => {
        const folder = targetFolder();
        for (const file of Array.from(event.target.files)) {
            const path = (folder ? folder + "/" : "") + file.name;
            await act("Uploading " + file.name, async () => {
                if (byId("unpack").checked && file.name.toLowerCase().endsWith(".zip")) {
                    const result = await (await call("POST", "/zip", { path: folder }, file, "application/zip")).json();
                    say("Unpacked " + result.unpacked + " entries of " + file.name);
                } else {
                    await call("PUT", "/file", { path }, file, "application/octet-stream");
                    say("Uploaded " + path);
                }
            });
        }
        event.target.value = "";
    });
    byId("show-hidden").addEventListener("change", renderTree);

    let gitHosts = [];
    call("GET", "/git").then((response) => response.json()).then((git) => {
        gitHosts = git.hosts;
        byId("clone").hidden = gitHosts.length === 0;
        byId("clone").title = "Clone from " + gitHosts.join(", ");
    }).catch(() => { /* no cloning */ });
    byId("clone").addEventListener("click", async () => {
        const url = await ask("Clone repository (https:// on " + gitHosts.join(", ") + ")", "https://", "Clone");
        if (url) {
            say("Cloning " + url + "…");
            await act("Cloning " + url, async () => {
                const cloned = await (await call("POST", "/git/clone", { url })).json();
                expanded.add(cloned.folder);
                selected = cloned.folder;
                say("Cloned into " + cloned.folder);
            });
        }
    });

    const toggle = byId("toggle-files");
    function showFiles(shown) {
        byId("files").hidden = !shown;
        toggle.setAttribute("aria-expanded", String(shown));
        main.classList.toggle("ide-no-files", !shown);
    }
    toggle.addEventListener("click", () => showFiles(byId("files").hidden));
    showFiles(window.matchMedia("(min-width: 48rem)").matches);

    // --- run ------------------------------------------------------------------------------
    async function run() {
        const tab = active;
        const runner = tab && runners[extensionOf(tab.path)];
        if (!editor || !tab) {
            say("The editor is still loading.");
            return;
        }
        if (!runner) {
            const extension = extensionOf(tab.path);
            say(extension === "html" || extension === "htm"
                ? "Web pages open with Preview."
                : "Run knows .py, .c, .cpp, .java, .js and .sh files.");
            return;
        }
        try {
            await save(tab);
        } catch (e) {
            say("Not saved: " + e.message);
            return;
        }
        say("Running " + tab.path);
        // Ctrl-U clears anything half-typed at the prompt first.
        socket.send(encoder.encode("\u0015" + runner(tab.path) + "\r"));
        term.focus();
        refreshTree();
    }
    byId("run").addEventListener("click", run);
})();
