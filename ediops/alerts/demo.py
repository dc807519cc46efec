"""The demo's alerts: its channels point at the simulator's notification sink (beside customs),
with steps of minutes rather than tens of minutes, so a demo shows alerts sent, escalated to
the supervisor and acknowledged within a few minutes of the simulated day."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

DEMO_ALERTS = """\
# ediops demo: channels are the simulator's notification sink (GET {sink} lists what it took).
[channels.duty]
url_env = "EDIOPS_ALERT_DUTY_URL"

[channels.supervisor]
url_env = "EDIOPS_ALERT_SUPERVISOR_URL"

[[rules]]
codes = ["URGENT_AT_RISK", "URGENT_OVERDUE", "CUSTOMS_REJECTED"]
steps = [{ after_minutes = 0, notify = ["duty"] },
         { after_minutes = 3, notify = ["duty", "supervisor"] }]
repeat_minutes = 10

[[rules]]
codes = ["FEED_UNREACHABLE", "CUSTOMS_UNACKED", "ACK_UNDELIVERED", "RECORD_REJECTED", "BATCH_COUNT_MISMATCH"]
steps = [{ after_minutes = 0, notify = ["duty"] },
         { after_minutes = 5, notify = ["duty", "supervisor"] }]
repeat_minutes = 15
"""


def sink_base(config) -> str:
    """host:port of the simulator's customs endpoint, where its sink listens."""
    url = urlsplit(config.customs.url)
    return f"{url.hostname}:{url.port or 80}"


def prepare(config, config_dir: Path | None, folder: Path) -> Path | None:
    """Points the demo's channels at the sink (unless the operator set them) and, when the
    operator's --config has no alerts.toml, writes the demo's beside a copy of it. Returns the
    config directory the demo's leader is to use (None: the bundled files)."""
    if config.customs is None:
        return config_dir
    base = sink_base(config)
    for channel in ("duty", "supervisor"):
        os.environ.setdefault(f"EDIOPS_ALERT_{channel.upper()}_URL", f"json://{base}/alerts/{channel}")
    if config_dir is not None and (Path(config_dir) / "alerts.toml").is_file():
        return config_dir
    scratch = folder / "demo-config"
    scratch.mkdir(exist_ok=True)
    if config_dir is not None:
        for path in Path(config_dir).glob("*.toml"):
            shutil.copy2(path, scratch / path.name)
    (scratch / "alerts.toml").write_text(DEMO_ALERTS.replace("{sink}", f"http://{base}/alerts"), encoding="utf-8")
    return scratch
