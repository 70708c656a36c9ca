from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pathlib
import pty
import select
import signal
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator

import pytest

from leonardo_async import _cli
from leonardo_async._cli import main
from leonardo_async.testing import FakeLeonardo

from .conftest import DATASET_ID, MODEL_ID, ThreadedFake


@pytest.fixture(scope="module")
def served() -> Iterator[FakeLeonardo]:
    with ThreadedFake() as fake:
        yield fake


@pytest.fixture
def env(served: FakeLeonardo, monkeypatch: pytest.MonkeyPatch) -> FakeLeonardo:
    monkeypatch.setenv("LEONARDO_API_KEY", served.api_key)
    monkeypatch.setenv("LEONARDO_BASE_URL", served.base_url)
    served.clear_faults()
    return served


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def no_key(fake: FakeLeonardo, *texts: str) -> None:
    for text in texts:
        assert fake.api_key not in text


def test_demo_runs_the_whole_journey(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    code, out, err = run(
        capsys, "demo", "--trainings", "3", "--training-seconds", "0.3",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert code == 0, err
    assert "Platform models" in out and "Leonardo Phoenix 1.0" in out
    assert "Platform elements" in out and "Toy Figurine" in out
    assert "priced at 140 credits" in out  # FLUX_DEV, by its 4 images
    assert "Starting it, and 3 custom-model trainings at once" in out
    assert out.count("COMPLETE") >= 3 and "FAILED" in out
    assert "Your models" in out and "Your elements" in out
    images = sorted(tmp_path.iterdir())
    assert len(images) == 2
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in images)
    assert f"Wrote 2 images to {tmp_path}" in out
    summary = out[out.index("Summary") :]
    assert "model trainings   2 completed, 1 failed" in summary
    assert "images generated  2" in summary
    assert "3 models, 1 element, 1 generation, 1 dataset" in summary
    # 3 models at 1.25, the element at 1.40, the generation at 0.24.
    assert "total cost        5.2900 DOLLARS" in summary


def test_the_demo_speaks_to_a_person(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    code, out, err = run(
        capsys, "demo", "--trainings", "1", "--training-seconds", "0.1",
        "--images", "1", "--out", str(tmp_path),
    )  # fmt: skip
    assert code == 0, err
    assert "Starting it, and 1 custom-model training at once" in out
    assert "1 sample image " in out
    assert "failed, as one training here does on purpose" in out
    for jargon in ("Error", "wait_for_", "raises", "()"):
        assert jargon not in out
    code, _, err = run(capsys, "demo", "--images", "7")
    assert code == 2 and "6 sample images" in err


def test_json_output_round_trip(
    env: FakeLeonardo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "platform-models", "--json")
    assert code == 0, err
    assert "Leonardo Phoenix 1.0" in [m["name"] for m in json.loads(out)]

    code, out, _ = run(
        capsys,
        "models",
        "train",
        "--name",
        "cli-style",
        "--dataset-id",
        DATASET_ID,
        "--instance-prompt",
        "sks",
        "--resolution",
        "768",
        "--model-type",
        "CHARACTERS",
        "--sd-version",
        "v2",
        "--strength",
        "LOW",
        "--nsfw",
        "--description",
        "d",
        "--json",
    )
    assert code == 0
    job = json.loads(out)
    model_id = job["custom_model_id"]
    assert job["cost"] == {"amount": "1.2500", "unit": "DOLLARS"}
    assert env.requests[-1].json["sd_version"] == "v2"
    assert env.requests[-1].json["nsfw"] is True

    code, out, _ = run(capsys, "models", "get", model_id, "--json")
    model = json.loads(out)
    assert model["id"] == model_id and model["status"] == "PENDING"
    assert model["created_at"].endswith("+00:00")

    code, out, err = run(
        capsys, "models", "wait", model_id, "--poll-interval", "0.1", "--json"
    )
    assert code == 0
    assert [m["status"] for m in json.loads(out)] == ["COMPLETE"]
    assert "COMPLETE" in err  # progress goes to stderr with --json

    code, out, _ = run(capsys, "models", "list", "--user", env.user_id, "--json")
    assert model_id in [m["id"] for m in json.loads(out)]

    code, out, err = run(capsys, "models", "delete", model_id, "--yes", "--json")
    assert (code, json.loads(out)) == (0, {"deleted": model_id})
    no_key(env, out, err)


def test_human_output_is_tables(
    env: FakeLeonardo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "platform-models")
    assert code == 0
    header, rule = out.splitlines()[:2]
    assert header.split() == ["id", "name", "featured", "description"]
    assert set(rule.replace(" ", "")) == {"-"}

    model_id = env.add_model(name="tabled")
    code, out, _ = run(capsys, "models", "get", model_id)
    assert out.splitlines()[0].split() == [
        "id",
        "name",
        "status",
        "sd_version",
        "type",
        "created_at",
    ]
    assert "tabled" in out

    code, out, err = run(
        capsys,
        "models",
        "train",
        "--name",
        "waited",
        "--dataset-id",
        DATASET_ID,
        "--instance-prompt",
        "sks",
        "--wait",
        "--poll-interval",
        "0.1",
    )
    assert code == 0, err
    assert "training started: model" in out
    assert "PENDING" in out and "COMPLETE" in out

    code, out, _ = run(
        capsys,
        "models",
        "train",
        "--name",
        "nowait",
        "--dataset-id",
        DATASET_ID,
        "--instance-prompt",
        "sks",
    )
    assert out.startswith("training started: model") and "(cost 1.2500 DOLLARS)" in out
    code, out, _ = run(capsys, "models", "delete", model_id, "--yes")
    assert out.strip() == f"deleted model {model_id}"


def test_exit_codes_and_one_line_errors(
    env: FakeLeonardo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, err = run(capsys, "models", "get", MODEL_ID)
    assert code == 1
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err

    code, _, err = run(capsys, "models", "get", "../etc")
    assert code == 2 and "model_id must be a UUID" in err

    env.fail_next_training()
    code, out, _ = run(
        capsys,
        "models",
        "train",
        "--name",
        "x",
        "--dataset-id",
        DATASET_ID,
        "--instance-prompt",
        "p",
        "--json",
    )
    failing = json.loads(out)["custom_model_id"]
    code, _, err = run(capsys, "models", "wait", failing, "--poll-interval", "0.1")
    assert code == 3 and "failed" in err

    stuck = env.add_model(status="PENDING")
    code, _, err = run(
        capsys,
        "models",
        "wait",
        stuck,
        "--wait-timeout",
        "0.3",
        "--poll-interval",
        "0.1",
    )
    assert code == 4 and stuck in err.splitlines()[-1]

    code, _, err = run(capsys, "models", "delete", stuck)
    assert code == 2 and "--yes" in err

    monkeypatch.setenv("LEONARDO_API_KEY", "not-the-key")
    code, _, err = run(capsys, "platform-models")
    assert code == 1 and "401" in err and "not-the-key" not in err

    monkeypatch.delenv("LEONARDO_API_KEY")
    code, _, err = run(capsys, "platform-models")
    assert code == 2 and "LEONARDO_API_KEY" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["models", "train", "--name", "x"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    assert "examples:" in capsys.readouterr().out


def test_interrupt_exits_130_and_says_the_training_goes_on(
    env: FakeLeonardo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def interrupted(coroutine: object) -> int:
        coroutine.close()  # type: ignore[attr-defined]
        raise KeyboardInterrupt

    monkeypatch.setattr(_cli.asyncio, "run", interrupted)
    code, _, err = run(capsys, "models", "wait", MODEL_ID)
    assert code == 130
    assert err.strip() == "interrupted; the training continues on the server"
    code, _, err = run(capsys, "platform-models")
    assert (code, err.strip()) == (130, "interrupted")


def answering(text: str) -> object:
    async def read_line(prompt: str) -> str:
        return text

    return read_line


def test_confirmation_on_a_terminal(
    env: FakeLeonardo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model_id = env.add_model()
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(_cli._common, "read_line", answering("n"))
    code, _, err = run(capsys, "models", "delete", model_id)
    assert code == 0 and "not deleted" in err
    assert model_id in env.model_ids()
    monkeypatch.setattr(_cli._common, "read_line", answering("y"))
    code, out, _ = run(capsys, "models", "delete", model_id)
    assert code == 0 and out.strip() == f"deleted model {model_id}"
    assert model_id not in env.model_ids()


# The console script the package installs, beside this Python.
SCRIPT = pathlib.Path(sys.executable).with_name("leonardo-async")


def cli(*argv: str) -> list[str]:
    return [str(SCRIPT), *argv]


def test_the_installed_command_exits_with_the_documented_codes(
    served: FakeLeonardo,
) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LEONARDO_")}
    missing_key = subprocess.run(
        cli("platform-models"),
        env=environment,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert missing_key.returncode == 2
    assert (
        missing_key.stderr.startswith("error: ")
        and "LEONARDO_API_KEY" in missing_key.stderr
    )
    assert "Traceback" not in missing_key.stderr
    environment |= {
        "LEONARDO_API_KEY": served.api_key,
        "LEONARDO_BASE_URL": served.base_url,
    }
    unknown = subprocess.run(
        cli("models", "get", MODEL_ID),
        env=environment,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert unknown.returncode == 1
    assert "no custom model with this id" in unknown.stderr
    assert (
        unknown.stderr.count("\n") == 1
        and served.api_key not in unknown.stderr + unknown.stdout
    )
    usage = subprocess.run(
        cli("models", "frobnicate"),
        env=environment,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert usage.returncode == 2


def test_plain_lines_when_not_a_terminal(served: FakeLeonardo) -> None:
    model_id = served.add_model(status="PENDING")
    served.clear_faults()
    environment = {
        **os.environ,
        "LEONARDO_API_KEY": served.api_key,
        "LEONARDO_BASE_URL": served.base_url,
    }
    proc = subprocess.Popen(
        cli("models", "wait", model_id, "--poll-interval", "0.1"),
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)
    served.set_status(model_id, "COMPLETE")
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    lines = out.splitlines()
    assert any(line.endswith("PENDING") for line in lines)
    assert any(line.endswith("COMPLETE") for line in lines)
    assert "\x1b[" not in out


def test_live_view_on_a_terminal(served: FakeLeonardo) -> None:
    # PENDING for the first polls, so the live view has rows of its own (the
    # final table, printed after it, only ever says COMPLETE).
    model_id = served.add_model(status="PENDING", name="on-a-tty")
    finish = threading.Timer(1.0, served.set_status, (model_id, "COMPLETE"))
    finish.start()
    environment = {
        **os.environ,
        "LEONARDO_API_KEY": served.api_key,
        "LEONARDO_BASE_URL": served.base_url,
        "COLUMNS": "120",
        "TERM": "xterm",
    }
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        cli("models", "wait", model_id, "--poll-interval", "0.1"),
        env=environment,
        stdout=slave,
        stderr=slave,
        stdin=subprocess.DEVNULL,
    )
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    assert proc.wait(timeout=10) == 0
    screen = b"".join(chunks).decode(errors="replace")
    finish.cancel()
    assert "trainings" in screen and "on-a-tty" in screen
    assert "━" in screen or "─" in screen  # a rich table, not plain lines
    live_rows = [line for line in screen.splitlines() if "PENDING" in line]
    assert live_rows and all("on-a-tty" in line for line in live_rows)


def test_fake_server_command(tmp_path: object) -> None:
    proc = subprocess.Popen(
        cli(
            "fake-server",
            "--port",
            "0",
            "--api-key",
            "test-key",
            "--training-seconds",
            "0.1",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        key = proc.stdout.readline().strip()
        # Lines a shell can paste as they are.
        assert base_url.startswith("export LEONARDO_BASE_URL=http://127.0.0.1:")
        assert key == "export LEONARDO_API_KEY=test-key"
        environment = {
            **os.environ,
            "LEONARDO_API_KEY": "test-key",
            "LEONARDO_BASE_URL": base_url.split("=", 1)[1],
        }
        listing = subprocess.run(
            cli("platform-models", "--json"),
            env=environment,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert listing.returncode == 0, listing.stderr
        assert json.loads(listing.stdout)[0]["name"] == "Leonardo Phoenix 1.0"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
        assert proc.returncode == 130
        assert "interrupted" in err and "Traceback" not in err
    finally:
        if proc.poll() is None:  # a failed assertion must not leave it running
            proc.kill()
            proc.wait(timeout=10)


def test_the_live_view_renders_a_row_per_model() -> None:
    import io

    from leonardo_async import CustomModel, JobStatus
    from leonardo_async._cli._console import Progress

    out = io.StringIO()
    with Progress(out, live=True, names={MODEL_ID: "cats"}) as progress:
        progress.update(CustomModel(id=MODEL_ID, name="cats", status=JobStatus.PENDING))
        progress.update(
            CustomModel(id=MODEL_ID, name="cats", status=JobStatus.COMPLETE)
        )
        progress.update(
            CustomModel(id=DATASET_ID, name="dogs", status=JobStatus.FAILED)
        )
    screen = out.getvalue()
    assert "trainings" in screen
    assert "cats" in screen and "COMPLETE" in screen
    assert "dogs" in screen and "FAILED" in screen


def test_the_live_view_fills_in_names_it_was_not_given() -> None:
    import io

    from leonardo_async import CustomModel, JobStatus
    from leonardo_async._cli._console import Progress

    out = io.StringIO()
    # As `models wait` starts: only the ids are known.
    with Progress(out, live=True, names={MODEL_ID: ""}) as progress:
        progress.update(CustomModel(id=MODEL_ID, name="cats", status=JobStatus.PENDING))
    assert "cats" in out.getvalue()


def test_without_rich_progress_is_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from leonardo_async import CustomModel, JobStatus
    from leonardo_async._cli._console import Progress

    monkeypatch.setitem(sys.modules, "rich.live", None)
    out = io.StringIO()
    with Progress(out, live=True, names={}) as progress:
        progress.update(
            CustomModel(id=MODEL_ID, name="cats", status=JobStatus.COMPLETE)
        )
    assert out.getvalue().rstrip().endswith(f"{MODEL_ID}  cats  COMPLETE")


def test_me_and_my_models(
    env: FakeLeonardo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "me", "--json")
    assert code == 0 and json.loads(out)["id"] == env.user_id
    code, out, _ = run(capsys, "me")
    assert "username" in out and "fake-user" in out
    model_id = env.add_model(name="listed-by-me")
    code, out, _ = run(capsys, "models", "list", "--me", "--json")
    assert model_id in [m["id"] for m in json.loads(out)]
    with pytest.raises(SystemExit):
        main(["models", "list", "--me", "--user", env.user_id])


def test_datasets_commands(
    env: FakeLeonardo, capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    code, out, _ = run(
        capsys, "datasets", "create", "cats", "--description", "mine", "--json"
    )
    dataset_id = json.loads(out)["id"]
    files = []
    for index in range(3):
        path = tmp_path / f"cat{index}.png"
        path.write_bytes(b"\x89PNG" + bytes([index]) * 100)
        files.append(str(path))
    code, out, err = run(
        capsys, "datasets", "upload", dataset_id, *files, "--concurrency", "2"
    )
    assert code == 0, err
    assert out.count("uploaded ") == 3 and "uploaded 3/3" in out
    assert "cat2.png" in out
    code, out, _ = run(capsys, "datasets", "upload", dataset_id, files[0], "--json")
    [image_id] = json.loads(out)["image_ids"]
    code, out, _ = run(capsys, "datasets", "get", dataset_id, "--json")
    dataset = json.loads(out)
    assert dataset["name"] == "cats" and len(dataset["images"]) == 4
    assert image_id in [i["id"] for i in dataset["images"]]
    code, out, _ = run(capsys, "datasets", "get", dataset_id)
    assert out.startswith(f"cats ({dataset_id}), created ") and "4 images" in out
    code, _, err = run(capsys, "datasets", "delete", dataset_id)
    assert code == 2 and "--yes" in err
    code, out, _ = run(capsys, "datasets", "delete", dataset_id, "--yes")
    assert out.strip() == f"deleted dataset {dataset_id}"
    code, _, err = run(
        capsys, "datasets", "upload", dataset_id, str(tmp_path / "missing.png")
    )
    assert code == 2 and "missing.png" in err


def test_train_from_a_folder_of_images(
    env: FakeLeonardo, capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    folder = tmp_path / "cats"
    folder.mkdir()
    for index, suffix in enumerate(["png", "jpg", "webp"]):
        (folder / f"cat{index}.{suffix}").write_bytes(bytes([index]) * 50)
    (folder / "notes.txt").write_text("not an image")
    before = len(env.uploads)
    dataset_count = len(env.dataset_ids())
    code, out, err = run(
        capsys,
        "models",
        "train",
        "--name",
        "from-folder",
        "--images",
        str(folder),
        "--instance-prompt",
        "sks",
        "--wait",
        "--poll-interval",
        "0.1",
    )
    assert code == 0, err
    assert "dataset " in out and "uploaded 3/3" in out and "COMPLETE" in out
    assert len(env.uploads) - before == 3
    [training] = [
        r
        for r in env.requests
        if r.path == "/models" and r.json["name"] == "from-folder"
    ]
    assert training.json["datasetId"] in env.dataset_ids()
    assert len(env.dataset_ids()) == dataset_count + 1

    code, _, err = run(
        capsys, "models", "train", "--name", "x", "--instance-prompt", "p"
    )
    assert code == 2 and "exactly one of --dataset-id and --images" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(
        capsys,
        "models",
        "train",
        "--name",
        "x",
        "--instance-prompt",
        "p",
        "--images",
        str(empty),
    )
    assert code == 2 and "no png" in err
    code, _, err = run(
        capsys,
        "models",
        "train",
        "--name",
        "x",
        "--instance-prompt",
        "p",
        "--images",
        str(tmp_path / "nope"),
    )
    assert code == 2 and "no such file or folder" in err


def test_upload_progress_bar_on_a_terminal() -> None:
    import io

    from leonardo_async._cli._console import UploadProgress

    out = io.StringIO()
    with UploadProgress(out, live=True, total=2) as progress:
        progress.update(1, 2)
        progress.update(2, 2)
    assert "uploading" in out.getvalue()


def test_cli_errors_speak_to_a_shell_user(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEONARDO_API_KEY", raising=False)
    code, _, err = run(capsys, "platform-models")
    assert code == 2
    assert "set the LEONARDO_API_KEY environment variable" in err
    assert "api_key=" not in err


def test_no_library_log_lines_on_the_cli_stderr(
    env: FakeLeonardo, capsys: pytest.CaptureFixture[str]
) -> None:
    env.inject_fault("GET", "/platformModels", status=503, retry_after=0)
    code, out, err = run(capsys, "platform-models")
    assert code == 0 and "Leonardo Phoenix 1.0" in out
    assert err == ""


def test_tables_fit_the_terminal(
    env: FakeLeonardo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    env.add_model(name="a model with a rather long name for a narrow terminal")
    code, out, _ = run(capsys, "models", "list", "--me")
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "…" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["fake-server", "--port", "99999"],
        ["fake-server", "--training-seconds", "-1"],
        ["demo", "--trainings", "-1"],
        ["demo", "--images", "0"],
        ["models", "wait", MODEL_ID, "--poll-interval", "0"],
        ["platform-models", "--timeout", "nan"],
    ],
)
def test_bad_numbers_are_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_version_and_a_bare_command(capsys: pytest.CaptureFixture[str]) -> None:
    from leonardo_async import __version__

    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"leonardo-async {__version__}"
    code, out, _ = run(capsys)
    assert code == 0 and "usage: leonardo-async" in out and "examples:" in out


@pytest.mark.parametrize("ending", [EOFError, KeyboardInterrupt])
def test_a_prompt_ended_by_eof_or_ctrl_c_deletes_nothing(
    env: FakeLeonardo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    ending: type[BaseException],
) -> None:
    model_id = env.add_model(name="keep me")
    prompts: list[str] = []

    async def ended(prompt: str) -> str:
        prompts.append(prompt)
        raise ending

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(_cli._common, "read_line", ended)
    code, _, err = run(capsys, "models", "delete", model_id)
    assert code == 130 and "not deleted" in err and "Traceback" not in err
    assert model_id in env.model_ids()
    assert prompts == [
        f"Delete model 'keep me' ({model_id})? This cannot be undone. [y/N] "
    ]


def test_train_prints_one_object_with_the_dataset_id(
    env: FakeLeonardo, capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    (tmp_path / "cat.png").write_bytes(b"\x89PNG")
    common = ["--instance-prompt", "sks", "--json", "--images", str(tmp_path)]
    code, out, err = run(capsys, "models", "train", "--name", "a", *common)
    started = json.loads(out)
    assert code == 0, err
    assert started["dataset_id"] in env.dataset_ids()
    assert started["custom_model_id"]
    code, out, err = run(
        capsys,
        "models",
        "train",
        "--name",
        "b",
        *common,
        "--wait",
        "--poll-interval",
        "0.05",
    )
    finished = json.loads(out)
    assert code == 0, err
    assert isinstance(finished, dict) and finished["status"] == "COMPLETE"
    assert finished["dataset_id"] in env.dataset_ids()


def test_upload_takes_files_and_folders_alike(
    env: FakeLeonardo, capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    folder = tmp_path / "cats"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"\x89PNG")
    (folder / "b.jpg").write_bytes(b"\xff\xd8")
    (folder / "notes.txt").write_text("skipped")
    single = tmp_path / "c.webp"
    single.write_bytes(b"RIFF")
    code, out, _ = run(capsys, "datasets", "create", "cats", "--json")
    dataset_id = json.loads(out)["id"]
    code, out, err = run(
        capsys, "datasets", "upload", dataset_id, str(folder), str(single), "--json"
    )
    assert code == 0, err
    assert len(json.loads(out)["image_ids"]) == 3
    code, _, err = run(
        capsys, "datasets", "upload", dataset_id, str(folder / "notes.txt")
    )
    assert code == 2 and "is not a png" in err


def test_an_upload_failure_is_told_without_python_names(
    env: FakeLeonardo, capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    (tmp_path / "a.png").write_bytes(b"\x89PNG")
    code, out, _ = run(capsys, "datasets", "create", "cats", "--json")
    env.inject_fault("POST", "/storage/*", status=403)
    code, _, err = run(
        capsys, "datasets", "upload", json.loads(out)["id"], str(tmp_path)
    )
    assert code == 1
    assert "uploading image 1 of 1 failed" in err and "0 were uploaded" in err
    assert ".uploaded" not in err and "Error" not in err


def _own_terminal() -> None:
    # In the child: a session of its own whose controlling terminal is the pty.
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def test_ctrl_c_at_the_delete_prompt_on_a_terminal(served: FakeLeonardo) -> None:
    model_id = served.add_model(name="keep me")
    environment = {
        **os.environ,
        "LEONARDO_API_KEY": served.api_key,
        "LEONARDO_BASE_URL": served.base_url,
    }
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        cli("models", "delete", model_id),
        env=environment,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        preexec_fn=_own_terminal,  # so that Ctrl-C is a SIGINT, as for a user
    )
    os.close(slave)
    try:
        screen = b""
        deadline = time.monotonic() + 20
        while b"[y/N]" not in screen and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                screen += os.read(master, 4096)
        assert b"Delete model 'keep me'" in screen
        os.write(master, b"\x03")  # Ctrl-C, as the terminal sends it
        code = proc.wait(timeout=10)  # no hang on a prompt left reading
        with contextlib.suppress(OSError):
            while select.select([master], [], [], 0.2)[0]:
                screen += os.read(master, 4096)
        os.close(master)
        assert code == 130
        assert b"not deleted" in screen and b"Traceback" not in screen
        assert model_id in served.model_ids()
    finally:
        if proc.poll() is None:  # a failed assertion must not leave it running
            proc.kill()
            proc.wait(timeout=10)


def test_elements_commands(
    env: FakeLeonardo, capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    code, out, err = run(capsys, "elements", "platform", "--json")
    assert code == 0, err
    assert "Toy Figurine" in [e["name"] for e in json.loads(out)]
    (tmp_path / "cat.png").write_bytes(b"\x89PNG")
    code, out, err = run(
        capsys,
        "elements",
        "train",
        "--name",
        "cli-cat",
        "--images",
        str(tmp_path),
        "--focus",
        "Character",
        "--instance-prompt",
        "a photo of mycat",
        "--wait",
        "--poll-interval",
        "0.05",
        "--json",
    )
    assert code == 0, err
    element = json.loads(out)
    assert element["status"] == "COMPLETE" and element["focus"] == "Character"
    assert element["dataset_id"] in env.dataset_ids()
    [sent] = [
        r.json
        for r in env.requests
        if r.path == "/elements" and r.method == "POST" and r.json["name"] == "cli-cat"
    ]
    assert sent["num_train_epochs"] == 135  # the spec's default for the pair
    element_id = element["id"]
    code, out, _ = run(capsys, "elements", "get", str(element_id))
    assert code == 0 and "cli-cat" in out and "COMPLETE" in out
    code, out, _ = run(capsys, "elements", "list", "--me", "--json")
    assert element_id in [e["id"] for e in json.loads(out)]
    code, out, _ = run(
        capsys, "elements", "wait", str(element_id), "--poll-interval", "0.05", "--json"
    )
    assert [e["status"] for e in json.loads(out)] == ["COMPLETE"]
    code, out, _ = run(capsys, "elements", "delete", str(element_id), "--yes")
    assert (code, out.strip()) == (0, f"deleted element {element_id}")
    # Checked before sending, in words for a shell user.
    code, _, err = run(
        capsys,
        "elements",
        "train",
        "--name",
        "x",
        "--dataset-id",
        DATASET_ID,
        "--focus",
        "General",
    )
    assert code == 2 and "lora_focus 'General' is not available" in err
    with pytest.raises(SystemExit):
        main(["elements", "get", "abc"])


def test_a_failed_element_training_exits_3(
    env: FakeLeonardo, capsys: pytest.CaptureFixture[str]
) -> None:
    env.fail_next_training()
    code, _, err = run(
        capsys,
        "elements",
        "train",
        "--name",
        "doomed",
        "--dataset-id",
        DATASET_ID,
        "--focus",
        "Style",
        "--wait",
        "--poll-interval",
        "0.05",
    )
    assert code == 3 and "failed" in err


def test_generate_waits_and_downloads(
    env: FakeLeonardo, capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    element_id = env.add_element(name="cli element")
    _, out, _ = run(capsys, "elements", "platform", "--json")
    platform = json.loads(out)[0]["ak_uuid"]
    out_dir = tmp_path / "images"
    code, out, err = run(
        capsys, "generate", "a fox in the snow", "--num-images", "2",
        "--element", f"{element_id}:0.7", "--element", platform,
        "--out", str(out_dir), "--poll-interval", "0.05", "--json",
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert result["status"] == "COMPLETE"
    assert [pathlib.Path(f).name for f in result["files"]] == [
        f"{result['id']}-1.png",
        f"{result['id']}-2.png",
    ]
    assert all(pathlib.Path(f).read_bytes()[:4] == b"\x89PNG" for f in result["files"])
    sent = next(r.json for r in reversed(env.requests) if r.path == "/generations")
    assert sent["userElements"] == [{"userLoraId": element_id, "weight": 0.7}]
    assert sent["elements"] == [{"akUUID": platform, "weight": 1.0}]
    assert "downloaded 2/2" in err  # progress goes to stderr with --json
    code, out, _ = run(capsys, "generations", "list", "--limit", "1", "--json")
    assert [g["id"] for g in json.loads(out)] == [result["id"]]
    code, out, _ = run(capsys, "generations", "get", result["id"])
    assert code == 0 and "COMPLETE" in out and "/storage/generations/" in out
    code, out, _ = run(capsys, "generations", "delete", result["id"], "--yes")
    assert (code, out.strip()) == (0, f"deleted generation {result['id']}")


def test_generate_exit_codes(
    env: FakeLeonardo, capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    before = len(env.generation_ids())
    code, _, err = run(capsys, "generate", "x", "--max-credits", "1")
    assert code == 5 and "not started" in err
    assert len(env.generation_ids()) == before
    env.fail_next_generation()
    code, _, err = run(
        capsys, "generate", "doomed", "--poll-interval", "0.05", "--out", str(tmp_path)
    )
    assert code == 3 and "failed" in err
    code, _, err = run(capsys, "generate", "x", "--num-images", "9")
    assert code == 2 and "num_images" in err
    with pytest.raises(SystemExit):
        main(["generate", "x", "--element", "nope"])
    code, out, _ = run(capsys, "generate", "quick", "--no-wait", "--json")
    assert code == 0 and "generation_id" in json.loads(out)


def test_price_commands(env: FakeLeonardo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "price", "generation", "a fox", "--num-images", "2")
    assert code == 0, err
    assert out.strip().endswith("credits")
    code, out, _ = run(
        capsys, "price", "training", "--resolution", "1024",
        "--sd-version", "FLUX_DEV", "--image-count", "20", "--json",
    )  # fmt: skip
    assert json.loads(out) == {"credits": 300}
    code, _, err = run(capsys, "price", "generation", "x", "--width", "1536")
    assert code == 2 and "width 1536" in err


def test_wait_pending_resumes_every_unfinished_training(
    env: FakeLeonardo, capsys: pytest.CaptureFixture[str]
) -> None:
    env.training_seconds = 0.2
    code, out, err = run(capsys, "models", "list", "--me", "--json")
    for model in json.loads(out):
        env.set_status(model["id"], "COMPLETE")  # what earlier tests left
    started = [
        json.loads(run(
            capsys, "models", "train", "--name", f"resumed-{i}", "--dataset-id",
            DATASET_ID, "--instance-prompt", "sks", "--json",
        )[1])["custom_model_id"]
        for i in range(2)
    ]  # fmt: skip
    code, out, err = run(
        capsys, "models", "wait", "--pending", "--poll-interval", "0.05", "--json"
    )
    assert code == 0, err
    assert sorted(m["id"] for m in json.loads(out)) == sorted(started)
    assert all(m["status"] == "COMPLETE" for m in json.loads(out))
    code, out, _ = run(capsys, "models", "wait", "--pending")
    assert (code, out.strip()) == (0, "no model training is pending")
    code, _, err = run(capsys, "elements", "wait")
    assert code == 2 and "--pending" in err
