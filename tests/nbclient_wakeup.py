"""A kernel client for nbconvert/nbclient whose wait for the kernel's reply cannot sleep through it.

nbclient, playing the frontend of an Output widget, answers each output with a message sent
through a blocking twin of its asyncio shell socket; such a send can swallow the socket's
"message waiting" signal, and the reply that had just come sits unread until the whole cell
timeout runs out (jupyter/nbclient#312). Waiting in slices of a second looks again each second.
Use: jupyter nbconvert --AsyncKernelManager.client_class=nbclient_wakeup.KernelClient ...
(with this folder on PYTHONPATH)."""
import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from traitlets import Type

SLICE_S = 1.0


class SlicedWaitChannel(AsyncZMQSocketChannel):
    async def get_msg(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = SLICE_S if deadline is None else min(SLICE_S, deadline - time.monotonic())
            try:
                return await super().get_msg(max(left, 0.0))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise


class KernelClient(AsyncKernelClient):
    shell_channel_class = Type(SlicedWaitChannel)
