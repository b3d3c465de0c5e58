"""A real X11 text window for insertion tests (Tk). Commands on stdin, JSON answers on stdout:
focus -> "focused"; dump -> the text content; quit. Prints {"ready": <window id>} when shown."""
import json
import os
import sys
import tkinter as tk

root = tk.Tk()
root.title(sys.argv[1] if len(sys.argv) > 1 else "earshot-test")
text = tk.Text(root, width=60, height=10)
text.pack()
pending = b""


def answer(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


def focus():
    root.deiconify()
    root.lift()
    root.focus_force()
    text.focus_force()
    root.update()


def on_stdin(*_):
    global pending
    chunk = os.read(sys.stdin.fileno(), 4096)
    if not chunk:
        root.destroy()
        return
    pending += chunk
    while b"\n" in pending:
        line, pending = pending.split(b"\n", 1)
        cmd = line.decode().strip()
        if cmd == "dump":
            root.update()
            answer(text.get("1.0", "end-1c"))
        elif cmd == "focus":
            focus()
            answer("focused")
        elif cmd == "quit":
            root.destroy()
            return


def ready():
    focus()
    answer({"ready": root.winfo_id()})


root.tk.createfilehandler(sys.stdin.fileno(), tk.READABLE, on_stdin)
root.after(0, ready)
root.mainloop()
