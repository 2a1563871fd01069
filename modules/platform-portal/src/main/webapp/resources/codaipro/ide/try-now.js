/*
 * Try Now: Monaco for the file, xterm.js for the workspace's terminal over a WebSocket
 * (docs/reference/ide-protocol.md). No inline script: the portal's CSP allows scripts from
 * its own origin only.
 */
(function () {
    "use strict";

    const main = document.getElementById("main");
    // Facelets leaves out an empty attribute: the portal at the root has no data-context.
    const context = main.dataset.context || "";
    const status = document.getElementById("ide-status");
    const fileName = document.getElementById("file-name");
    const encoder = new TextEncoder();

    const SHELL_ENDED = 4001;
    const runners = {
        py: (f) => "python3 " + f,
        c: (f) => "gcc -Wall -o /tmp/a.out " + f + " -lm && /tmp/a.out",
        cpp: (f) => "g++ -Wall -o /tmp/a.out " + f + " && /tmp/a.out",
        java: (f) => "java " + f,
        js: (f) => "node " + f,
        sh: (f) => "bash " + f
    };
    // Project templates: a file name and a program that prints a greeting.
    const templates = {
        py: { file: "main.py", text: 'print("Hello from your workspace")\n' },
        c: { file: "main.c", text: '#include <stdio.h>\n\nint main(void)\n{\n    printf("Hello from your workspace\\n");\n    return 0;\n}\n' },
        cpp: { file: "main.cpp", text: '#include <iostream>\n\nint main()\n{\n    std::cout << "Hello from your workspace" << std::endl;\n    return 0;\n}\n' },
        java: { file: "Main.java", text: 'public class Main {\n    public static void main(String[] args) {\n        System.out.println("Hello from your workspace");\n    }\n}\n' },
        js: { file: "main.js", text: 'console.log("Hello from your workspace");\n' }
    };
    const languages = { py: "python", c: "c", cpp: "cpp", java: "java", js: "javascript", sh: "shell" };

    function say(text) {
        status.textContent = text;
    }

    // --- terminal -------------------------------------------------------------------------
    const term = new Terminal({ cursorBlink: true, fontSize: 14, scrollback: 5000, convertEol: false });
    const fit = new FitAddon.FitAddon();
    term.loadAddon(fit);
    term.loadAddon(new WebLinksAddon.WebLinksAddon());
    term.open(document.getElementById("terminal"));
    fit.fit();

    let socket = null;
    let retries = 0;

    function connect() {
        const scheme = location.protocol === "https:" ? "wss:" : "ws:";
        const url = scheme + "//" + location.host + context + "/app/terminal?columns=" + term.cols + "&rows=" + term.rows;
        socket = new WebSocket(url);
        socket.binaryType = "arraybuffer";
        socket.onopen = () => {
            retries = 0;
            say("Workspace ready");
            document.body.dataset.terminal = "open";
        };
        socket.onmessage = (event) => {
            if (typeof event.data !== "string") {
                term.write(new Uint8Array(event.data));
            }
        };
        socket.onclose = (event) => {
            document.body.dataset.terminal = "closed";
            if (event.code === 1008) {
                say("Sign in again to use your workspace.");
                return;
            }
            const why = event.code === SHELL_ENDED ? "The shell ended; starting a new one…" : "Reconnecting…";
            say(why);
            const delay = Math.min(10000, 500 * Math.pow(2, retries++));
            setTimeout(connect, delay);
        };
    }

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
    new ResizeObserver(() => fit.fit()).observe(document.getElementById("terminal"));
    connect();

    // --- editor ---------------------------------------------------------------------------
    let editor = null;
    function extension() {
        const name = fileName.value.trim();
        const dot = name.lastIndexOf(".");
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase();
    }

    require.config({ paths: { vs: context + "/ide/lib/monaco/vs" } });
    require(["vs/editor/editor.main"], () => {
        editor = monaco.editor.create(document.getElementById("editor"), {
            value: (templates[extension()] || { text: "" }).text,
            language: languages[extension()] || "plaintext",
            automaticLayout: true,
            minimap: { enabled: false },
            fontSize: 14
        });
        editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, run);
        document.body.dataset.editor = "ready";
    });
    document.getElementById("template").addEventListener("change", (event) => {
        const chosen = templates[event.target.value];
        if (chosen && editor) {
            fileName.value = chosen.file;
            editor.setValue(chosen.text);
            monaco.editor.setModelLanguage(editor.getModel(), languages[extension()] || "plaintext");
            say("New " + chosen.file + " from the template; Run saves it.");
            editor.focus();
        }
    });
    fileName.addEventListener("change", () => {
        if (editor) {
            monaco.editor.setModelLanguage(editor.getModel(), languages[extension()] || "plaintext");
        }
    });

    // --- run ------------------------------------------------------------------------------
    async function run() {
        const name = fileName.value.trim();
        const runner = runners[extension()];
        if (!editor || !runner) {
            say(runner ? "The editor is still loading." : "Run knows .py, .c, .cpp, .java, .js and .sh files.");
            return;
        }
        say("Saving " + name + "…");
        const response = await fetch(context + "/app/workspace/file?path=" + encodeURIComponent(name), {
            method: "PUT",
            headers: { "X-CodaiPro-IDE": "1", "Content-Type": "text/plain; charset=UTF-8" },
            body: editor.getValue()
        });
        if (!response.ok) {
            let detail = response.statusText;
            try { detail = (await response.json()).detail; } catch (e) { /* not a problem body */ }
            say("Not saved: " + detail);
            return;
        }
        say("Running " + name);
        // Ctrl-U clears anything half-typed at the prompt first.
        socket.send(encoder.encode("\u0015" + runner(name) + "\r"));
        term.focus();
    }
    document.getElementById("run").addEventListener("click", run);
})();
