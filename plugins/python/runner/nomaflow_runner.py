"""Nomaflow's python step runner: runs one `module.path:function` for the host (plugins/python).

The host imports this module and calls main() (`python3 -c "…import nomaflow_runner…"`, so that its
bytecode is cached) in a clean environment (PYTHONPATH = the code folder), and speaks line-delimited
JSON with it on two extra file descriptors, so stdout and stderr stay the user's own:

  fd 3, host -> runner:  {"t": "start", ...}  first, then {"t": "reply", "id", "ok", "value"|"error"}
                         and {"t": "cancel", "reason"}
  fd 4, runner -> host:  {"t": "started"} (the function is about to be called: until then a cancel
                         is a plain kill), {"t": "log", "level", "msg"}, {"t": "out", "stream", "line"},
                         {"t": "progress", ...}, {"t": "call", "id", "op", "args"}, {"t": "abort", "id"},
                         {"t": "note", "op", "args"} (no reply), and last {"t": "result", "ok", ...}

`print()` output is framed on fd 4 too (so it keeps its order with ctx.log lines); whatever reaches
the real fds 1 and 2 (C code, subprocesses) is read by the host as well. Only the standard library is
used, and only what a start needs is imported up front — `_json` and `_thread` rather than `json`
(which imports `re`, ~10 ms) and `threading`: the runner's start-up is part of every step's cost.
"""

import _thread
import os
import sys

_IN_FD = 3
_OUT_FD = 4
_HERE = os.path.dirname(os.path.abspath(__file__))
_ASYNCIO_DIR = None

# The host imports this module from its folder, put first on sys.path (run as a script, that folder
# is sys.path[0] too): it leaves again, so user modules never resolve against the plugin.
if sys.path and os.path.abspath(sys.path[0] or os.curdir) == _HERE:
    del sys.path[0]

for _fd in (_IN_FD, _OUT_FD):
    try:
        os.set_inheritable(_fd, False)  # subprocesses of user code must not hold the host's pipes
    except OSError:
        pass


class NomaflowError(Exception):
    """An error the host reported for a call made through ctx."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


class ConnectorError(NomaflowError):
    """A query served by the host's connector failed (`code` is the SQLSTATE when there is one)."""


# --------------------------------------------------------------------------- wire


def _to_json(value):
    if hasattr(value, "isoformat"):  # datetime, date, time
        return value.isoformat()
    kind = type(value).__name__
    if kind in ("Decimal", "UUID"):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        import base64

        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError("Object of type %s is not JSON serializable" % kind)


def _codec():
    """(dumps, loads) as compact, ASCII, NaN-refusing JSON: the C accelerator json.dumps/loads use, else json."""
    try:
        import _json

        class Context:
            strict = True
            object_hook = None
            object_pairs_hook = None
            parse_float = float
            parse_int = int
            parse_constant = float
            memo = {}

        scanner = _json.make_scanner(Context())

        def dumps(value):
            encoder = _json.make_encoder(
                {}, _to_json, _json.encode_basestring_ascii, None, ":", ",", False, False, False
            )
            return "".join(encoder(value, 0))

        def loads(text):
            try:
                value, end = scanner(text, 0)
            except StopIteration:
                raise ValueError("invalid JSON")
            if text[end:].strip():
                raise ValueError("extra data after JSON")
            return value

        sample = {"a": [1, 2.5, None, True, "\u00e9\n"], "b": {}}
        if loads(dumps(sample)) != sample or dumps(sample) != '{"a":[1,2.5,null,true,"\\u00e9\\n"],"b":{}}':
            raise ValueError("unexpected _json behaviour")
        return dumps, loads
    except Exception:
        import json

        return (
            lambda value: json.dumps(value, default=_to_json, allow_nan=False, separators=(",", ":")),
            json.loads,
        )


_dumps, _loads = _codec()


def _encode(message):
    return (_dumps(message) + "\n").encode()


_write_lock = _thread.allocate_lock()


def _write(data):
    with _write_lock:
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(_OUT_FD, view) :]
        except OSError:
            os._exit(1)  # the host is gone: nobody is left to report to


def _send(message):
    _write(_encode(message))


class _State:
    cancelled = False
    grace = 5.0
    loop = None
    task = None


_pending = {}
_pending_lock = _thread.allocate_lock()
_next_id = [0]


def _cancel_task():
    loop, task = _State.loop, _State.task
    if loop is not None and task is not None:
        try:
            loop.call_soon_threadsafe(task.cancel)
        except RuntimeError:
            pass  # the loop is already closed


def _on_cancel():
    _State.cancelled = True
    _cancel_task()


def _on_host_gone():
    # The host closed our input (it stopped or crashed): cancel, then leave after the grace period.
    _on_cancel()
    import time

    time.sleep(_State.grace)
    os._exit(1)


def _dispatch(message):
    kind = message.get("t")
    if kind == "reply":
        with _pending_lock:
            waiter = _pending.pop(message.get("id"), None)
        if waiter is not None:
            waiter.resolve(message)
    elif kind == "cancel":
        _on_cancel()


def _reader(buffer):
    while True:
        while True:
            cut = buffer.find(b"\n")
            if cut < 0:
                break
            line, buffer = buffer[:cut], buffer[cut + 1 :]
            if line.strip():
                _dispatch(_loads(line.decode()))
        try:
            chunk = os.read(_IN_FD, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            _on_host_gone()
            return
        buffer += chunk


def _read_start():
    buffer = b""
    while b"\n" not in buffer:
        chunk = os.read(_IN_FD, 65536)
        if not chunk:
            os._exit(2)
        buffer += chunk
    line, rest = buffer.split(b"\n", 1)
    return _loads(line.decode()), rest


class _SyncWaiter:
    __slots__ = ("lock", "message")

    def __init__(self):
        self.lock = _thread.allocate_lock()
        self.lock.acquire()
        self.message = None

    def resolve(self, message):
        self.message = message
        self.lock.release()

    def wait(self):
        self.lock.acquire()
        return self.message


class _AsyncWaiter:
    __slots__ = ("loop", "future")

    def __init__(self, loop, future):
        self.loop = loop
        self.future = future

    def resolve(self, message):
        def settle():
            if not self.future.done():
                self.future.set_result(message)

        try:
            self.loop.call_soon_threadsafe(settle)
        except RuntimeError:
            pass


def _register(waiter):
    with _pending_lock:
        _next_id[0] += 1
        call_id = _next_id[0]
        _pending[call_id] = waiter
    return call_id


def _unwrap(message, error_class):
    if message.get("ok"):
        return message.get("value")
    error = message.get("error") or {}
    raise error_class(error.get("message") or "the host refused the call", error.get("code"))


def _call(op, args, error_class=NomaflowError):
    """A call served by the host, blocking this thread until the reply."""
    waiter = _SyncWaiter()
    call_id = _register(waiter)
    _send({"t": "call", "id": call_id, "op": op, "args": args})
    return _unwrap(waiter.wait(), error_class)


async def _acall(op, args, error_class=NomaflowError):
    """The same call awaited on the running event loop; cancelling it tells the host to abort it."""
    import asyncio

    loop = asyncio.get_running_loop()
    waiter = _AsyncWaiter(loop, loop.create_future())
    call_id = _register(waiter)
    _send({"t": "call", "id": call_id, "op": op, "args": args})
    try:
        message = await waiter.future
    except BaseException:
        with _pending_lock:
            _pending.pop(call_id, None)
        _send({"t": "abort", "id": call_id})
        raise
    return _unwrap(message, error_class)


def _in_event_loop():
    """True inside a coroutine: connector methods then return awaitables instead of blocking."""
    asyncio = sys.modules.get("asyncio")
    return asyncio is not None and asyncio._get_running_loop() is not None


# --------------------------------------------------------------------------- ctx


class _LineWriter:
    """sys.stdout / sys.stderr: every complete line becomes a log line on the host."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, stream, fd):
        self._stream = stream
        self._fd = fd
        self._buffer = ""
        self._lock = _thread.allocate_lock()
        self.name = "<%s>" % stream

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        with self._lock:
            self._buffer += text
            if "\n" not in self._buffer:
                return len(text)
            *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            _send({"t": "out", "stream": self._stream, "line": line})
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        with self._lock:
            rest, self._buffer = self._buffer, ""
        if rest:
            _send({"t": "out", "stream": self._stream, "line": rest})

    @property
    def buffer(self):
        return _BinaryWriter(self)

    def fileno(self):
        return self._fd

    def isatty(self):
        return False

    def writable(self):
        return True

    def readable(self):
        return False

    def seekable(self):
        return False

    @property
    def closed(self):
        return False

    def close(self):
        self.flush()


class _BinaryWriter:
    """sys.stdout.buffer: bytes written there are log lines too."""

    def __init__(self, text):
        self._text = text

    def write(self, data):
        self._text.write(bytes(data).decode("utf-8", "replace"))
        return len(data)

    def flush(self):
        self._text.flush()

    def writable(self):
        return True


class StepLog:
    """ctx.log: lines of the run log. `msg % args` formatting, as with the logging module."""

    def __init__(self, level):
        self._debug = level == "DEBUG"

    @staticmethod
    def _emit(level, msg, args):
        text = str(msg)
        if args:
            try:
                text = text % args
            except (TypeError, ValueError):
                text = " ".join([text] + [str(a) for a in args])
        _send({"t": "log", "level": level, "msg": text})

    def debug(self, msg, *args):
        if self._debug:
            self._emit("DEBUG", msg, args)

    def info(self, msg, *args):
        self._emit("INFO", msg, args)

    def warning(self, msg, *args):
        self._emit("WARNING", msg, args)

    warn = warning

    def error(self, msg, *args):
        self._emit("ERROR", msg, args)

    def exception(self, msg, *args):
        """error() with the traceback of the exception being handled."""
        import traceback

        text = str(msg)
        if args:
            try:
                text = text % args
            except (TypeError, ValueError):
                text = " ".join([text] + [str(a) for a in args])
        self._emit("ERROR", text + "\n" + traceback.format_exc().rstrip(), ())


class PreviousStep:
    """What ctx.previous_step(name) returns: the step's status and output (None if it has none)."""

    __slots__ = ("name", "status", "output")

    def __init__(self, name, status, output):
        self.name = name
        self.status = status
        self.output = output

    def __repr__(self):
        return "PreviousStep(name=%r, status=%r, output=%r)" % (self.name, self.status, self.output)


class Result:
    """What connector.execute() returns: the rows (dicts), how many rows it returned or affected, the columns."""

    __slots__ = ("rows", "rowcount", "columns")

    def __init__(self, value):
        self.rows = value.get("rows") or []
        self.rowcount = value.get("rowcount", len(self.rows))
        self.columns = value.get("columns") or []

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        return self.rows[index]

    def __repr__(self):
        return "Result(rowcount=%r, columns=%r)" % (self.rowcount, self.columns)


class Connector:
    """A connector of the server, queried through the host: no database driver in Python.

    In a plain `def` the methods block and return their value; inside a coroutine (`async def`)
    they return awaitables (`await conn.execute(...)`, `async for batch in conn.stream(...)`).
    """

    def __init__(self, name):
        self.name = name

    def _args(self, sql, params, **extra):
        if not isinstance(sql, str):
            raise TypeError("sql must be a str, not %s" % type(sql).__name__)
        if params is not None and not isinstance(params, (dict, list, tuple)):
            raise TypeError("params must be a dict, a list or None, not %s" % type(params).__name__)
        args = {"connector": self.name, "sql": sql, "params": params}
        args.update(extra)
        return args

    def execute(self, sql, params=None):
        """Runs one statement; returns a Result (rows, rowcount, columns)."""
        args = self._args(sql, params)
        if _in_event_loop():
            return self._aexecute(args)
        return Result(_call("execute", args, ConnectorError))

    async def _aexecute(self, args):
        return Result(await _acall("execute", args, ConnectorError))

    def scalar(self, sql, params=None):
        """The first column of the first row, or None when there is no row."""
        args = self._args(sql, params)
        if _in_event_loop():
            return _acall("scalar", args, ConnectorError)
        return _call("scalar", args, ConnectorError)

    def stream(self, sql, params=None, batch_size=1000):
        """Iterates over the rows in batches (lists of dicts) without loading them all."""
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError("batch_size must be a positive int")
        args = self._args(sql, params, batch_size=batch_size)
        if _in_event_loop():
            return self._astream(args)
        return self._stream(args)

    def _stream(self, args):
        reply = _call("stream", args, ConnectorError)
        sid = reply["sid"]
        try:
            while not reply["done"]:
                yield reply["rows"]
                reply = _call("stream_next", {"sid": sid}, ConnectorError)
        finally:
            if not reply["done"]:
                _send({"t": "note", "op": "stream_close", "args": {"sid": sid}})

    async def _astream(self, args):
        reply = await _acall("stream", args, ConnectorError)
        sid = reply["sid"]
        try:
            while not reply["done"]:
                yield reply["rows"]
                reply = await _acall("stream_next", {"sid": sid}, ConnectorError)
        finally:
            if not reply["done"]:
                _send({"t": "note", "op": "stream_close", "args": {"sid": sid}})

    def __repr__(self):
        return "Connector(%r)" % self.name


class StepContext:
    """The `ctx` every step function receives as its first argument."""

    NomaflowError = NomaflowError
    ConnectorError = ConnectorError

    def __init__(self, start):
        self.params = dict(start.get("params") or {})
        self.run_id = start.get("run_id")
        self.job_id = start.get("job_id")
        self.step_name = start.get("step_name")
        self.attempt = start.get("attempt", 1)
        self.scheduled_for = start.get("scheduled_for")
        self.log_level = start.get("log_level", "INFO")
        self.session_user = start.get("session_user")
        self.log = StepLog(self.log_level)

    def is_cancelled(self):
        """True once the run was cancelled or the step timed out: stop soon (raise or return)."""
        return _State.cancelled

    def previous_step(self, name):
        """An earlier step of this run: `.status` and `.output`; None when there is no such step."""
        found = _call("previous_step", {"name": str(name)})
        if found is None:
            return None
        return PreviousStep(str(name), found.get("status"), found.get("output"))

    def get_connector(self, name):
        """The server's connector `name`; its queries run on the server's own pool."""
        return Connector(str(name))

    def progress(self, done, total=None, unit=None):
        """Reports progress (shown live in the console)."""
        message = {"t": "progress", "done": done}
        if total is not None:
            message["total"] = total
        if unit is not None:
            message["unit"] = unit
        _send(message)

    def __repr__(self):
        return "StepContext(job_id=%r, run_id=%r, step=%r)" % (self.job_id, self.run_id, self.step_name)


# --------------------------------------------------------------------------- the call


class _ImportProblem(Exception):
    def __init__(self, message, tb=None):
        super().__init__(message)
        self.tb = tb


def _resolve(spec, folders):
    module_name, _, attribute = spec.partition(":")
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and (module_name == e.name or module_name.startswith(e.name + ".")):
            raise _ImportProblem("module '%s' not found in %s" % (module_name, ", ".join(folders)))
        raise _ImportProblem(
            "cannot import module '%s': %s" % (module_name, _describe(e)), _traceback_of(e)
        )
    except BaseException as e:
        raise _ImportProblem(
            "cannot import module '%s': %s" % (module_name, _describe(e)), _traceback_of(e)
        )
    target = module
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise _ImportProblem("no function '%s' in module '%s'" % (attribute, module_name))
    if not callable(target):
        raise _ImportProblem("'%s' is not a function (it is a %s)" % (spec, type(target).__name__))
    return target


def _fit_kwargs(func, kwargs):
    """A function without **kwargs gets only the kwargs it names (job params reach every step)."""
    code = getattr(func, "__code__", None)
    if code is None:
        return kwargs, []
    # The parameter that receives ctx (after `self` for a bound method) cannot take a kwarg too.
    ctx_index = 1 if getattr(func, "__self__", None) is not None else 0
    ctx_name = code.co_varnames[ctx_index] if code.co_argcount > ctx_index else None
    if code.co_flags & 0x08:  # CO_VARKEYWORDS
        names = None
    else:
        names = code.co_varnames[code.co_posonlyargcount : code.co_argcount + code.co_kwonlyargcount]
    fitted = {k: v for k, v in kwargs.items() if k != ctx_name and (names is None or k in names)}
    return fitted, sorted(k for k in kwargs if k not in fitted)


def _message(e):
    try:
        return str(e)
    except Exception:
        return ""


def _describe(e):
    text = _message(e)
    return "%s: %s" % (type(e).__name__, text) if text else type(e).__name__


def _traceback_of(e):
    import traceback

    tb = e.__traceback__
    skip = (_HERE, _ASYNCIO_DIR, os.path.dirname(traceback.__file__) + os.sep + "importlib")
    while tb is not None and tb.tb_next is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not any(s and filename.startswith(s) for s in skip) and not filename.startswith("<frozen"):
            break
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(e), e, tb)).rstrip()


def _run_coroutine(awaitable):
    global _ASYNCIO_DIR
    import asyncio

    _ASYNCIO_DIR = os.path.dirname(asyncio.__file__)

    async def main():
        task = asyncio.ensure_future(awaitable)
        _State.loop, _State.task = asyncio.get_running_loop(), task
        if _State.cancelled:
            task.cancel()
        return await task

    try:
        return asyncio.run(main())
    finally:
        _State.loop = _State.task = None


def _finish(message, writers):
    for writer in writers:
        writer.flush()
    try:
        import atexit

        atexit._run_exitfuncs()
    except BaseException:
        pass
    for writer in writers:
        writer.flush()
    _send(message)
    os._exit(0)


def main():
    start, rest = _read_start()
    _State.grace = float(start.get("grace_seconds", 5))
    _thread.start_new_thread(_reader, (rest,))
    writers = (_LineWriter("stdout", 1), _LineWriter("stderr", 2))
    sys.stdout, sys.stderr = writers
    spec = start["callable"]
    ctx = StepContext(start)

    try:
        func = _resolve(spec, start.get("folders") or [])
    except _ImportProblem as p:
        error = {"kind": "import", "type": "ImportError", "message": str(p)}
        if p.tb:
            error["traceback"] = p.tb
        return _finish({"t": "result", "ok": False, "error": error}, writers)

    kwargs, dropped = _fit_kwargs(func, ctx.params)
    if dropped:
        ctx.log.debug("kwargs not passed to %s (not in its signature): %s", spec, ", ".join(dropped))

    _send({"t": "started"})
    try:
        result = func(ctx, **kwargs)
        if hasattr(result, "__await__"):
            result = _run_coroutine(result)
    except BaseException as e:
        cancelled = _State.cancelled and type(e).__name__ == "CancelledError"
        error = {
            "kind": "cancelled" if cancelled else "exception",
            "type": type(e).__name__,
            "message": _message(e),
            "traceback": _traceback_of(e),
        }
        return _finish({"t": "result", "ok": False, "error": error}, writers)

    if result is None:
        result = {}
    if not isinstance(result, dict):
        error = {
            "kind": "output",
            "type": "TypeError",
            "message": "%s returned %s; a python step returns a dict (or None)" % (spec, type(result).__name__),
        }
        return _finish({"t": "result", "ok": False, "error": error}, writers)
    try:
        _encode(result)
    except (TypeError, ValueError) as e:
        error = {
            "kind": "output",
            "type": "TypeError",
            "message": "the dict %s returned is not JSON-serialisable: %s" % (spec, e),
        }
        return _finish({"t": "result", "ok": False, "error": error}, writers)
    _finish({"t": "result", "ok": True, "output": result}, writers)


if __name__ == "__main__":
    main()
