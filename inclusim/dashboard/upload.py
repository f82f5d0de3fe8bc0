"""The office file from the leader's own machine: a button that opens the browser's file picker,
and a zone to drop the file on; either hands the file's name and bytes to the page.

The browser reads the file (nothing on the server is ever named by the leader) and sends it once,
base64 in the widget's ``upload`` value; a file larger than ``max_bytes`` is not sent at all, only
its name and size, so the page can say why. Built on ipyvuetify's ``VuetifyTemplate`` (a Vue
template and its synced values), the widget Solara's own components are made of.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

import ipyvuetify as v
import traitlets

from inclusim.dashboard.safe import one_line

TEMPLATE = """
<template>
  <div class="inclusim-office-upload" :class="{'inclusim-office-upload--over': over}"
       @dragover.prevent="over = true" @dragleave.prevent="over = false" @drop.prevent="dropped">
    <input ref="picker" type="file" accept=".yaml,.yml" style="display: none" @change="picked">
    <v-btn outlined small color="primary" @click="$refs.picker.click()">{{ button }}</v-btn>
    <span class="inclusim-office-upload__hint">{{ hint }}</span>
  </div>
</template>
<script>
module.exports = {
  data() { return {over: false}; },
  methods: {
    picked(event) {
      const file = event.target.files[0];
      event.target.value = "";
      this.send(file);
    },
    dropped(event) {
      this.over = false;
      this.send(event.dataTransfer.files[0]);
    },
    async send(file) {
      if (!file) { return; }
      const sent = {name: file.name, size: file.size, data: null, at: Date.now()};
      if (file.size <= this.max_bytes) {
        const bytes = new Uint8Array(await file.arrayBuffer());
        let text = "";
        for (let i = 0; i < bytes.length; i += 8192) {
          text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
        }
        sent.data = btoa(text);
      }
      this.upload = sent;
    },
  },
};
</script>
<style id="inclusim-office-upload">
.inclusim-office-upload { border: 1px dashed gray; padding: 12px; margin: 8px 0; }
.inclusim-office-upload--over { background: #eef4ff; }
.inclusim-office-upload__hint { margin-left: 8px; }
</style>
"""


class OfficeUpload(v.VuetifyTemplate):
    """The picker and drop zone; ``upload`` is the last file sent: ``{name, size, data (base64 or
    null), at}``."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    button = traitlets.Unicode("").tag(sync=True)
    hint = traitlets.Unicode("").tag(sync=True)
    max_bytes = traitlets.Int(0).tag(sync=True)
    upload = traitlets.Any(None).tag(sync=True)


def received(sent, max_bytes: int) -> tuple[str, int, bytes | None]:
    """(name, size, bytes) of what the browser sent (``OfficeUpload.upload``); bytes None for a file
    larger than ``max_bytes``. Anything not of that shape is a ValueError: it came over the network."""
    if not isinstance(sent, dict):
        raise ValueError("the file did not arrive")
    name = one_line(sent.get("name") or "", 80)
    size = sent.get("size")
    data = sent.get("data")
    if not isinstance(size, int) or size < 0:
        raise ValueError("the file did not arrive")
    if data is None:
        return name, size, None
    if not isinstance(data, str) or len(data) > 4 * (max_bytes // 3 + 1):
        return name, max(size, max_bytes + 1), None
    try:
        content = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the file did not arrive") from None
    return name, len(content), (content if len(content) <= max_bytes else None)


def office_upload(button: str, hint: str, max_bytes: int, on_file: Callable[[str, int, bytes | None], None],
                  on_error: Callable[[], None]):
    """The element: ``on_file(name, size, bytes)`` for each file sent (bytes None: too large),
    ``on_error()`` for anything that did not arrive as a file."""
    def handle(sent) -> None:
        if sent is None:
            return
        try:
            name, size, content = received(sent, max_bytes)
        except ValueError:
            on_error()
            return
        on_file(name, size, content)

    return OfficeUpload.element(button=button, hint=hint, max_bytes=max_bytes, on_upload=handle)
