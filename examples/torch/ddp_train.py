"""Data-parallel training of a small regression model with PyTorch DistributedDataParallel.

Deploy it as a Corral cluster of type torch: every rank gets MASTER_ADDR, MASTER_PORT,
WORLD_SIZE, RANK, LOCAL_RANK and LOCAL_WORLD_SIZE as torchrun sets them. Gloo runs on CPUs,
NCCL on GPUs (chosen by what the rank has).

It survives a lost rank when deployed with --restart on-failure: rank 0 saves a checkpoint
after every step into its own container (kept when the container starts again); when a rank
is lost the others fail, start again, meet the replacement, and go on from rank 0's
checkpoint, whose weights DistributedDataParallel broadcasts to every rank.

Settings come from the environment: STEPS (default 60), STEP_SECONDS (pause per step,
default 0), CHECKPOINT (default /tmp/corral-ddp-checkpoint.pt).
"""
import datetime
import hashlib
import os
import sys
import time

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

STEPS = int(os.environ.get("STEPS", "60"))
STEP_SECONDS = float(os.environ.get("STEP_SECONDS", "0"))
CHECKPOINT = os.environ.get("CHECKPOINT", "/tmp/corral-ddp-checkpoint.pt")
# Long enough for a lost rank's replacement to be placed and started.
GROUP_TIMEOUT = datetime.timedelta(seconds=int(os.environ.get("GROUP_TIMEOUT_SECONDS", "180")))
SAMPLES = 4096
FEATURES = 16


def data():
    """The same data on every rank: y = X w* + noise, from a fixed seed."""
    generator = torch.Generator().manual_seed(1234)
    x = torch.randn(SAMPLES, FEATURES, generator=generator)
    true_w = torch.randn(FEATURES, 1, generator=generator)
    y = x @ true_w + 0.01 * torch.randn(SAMPLES, 1, generator=generator)
    return x, y


def weights_sha256(model):
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().contiguous().numpy().tobytes())
    return digest.hexdigest()


def main():
    backend = "nccl" if torch.cuda.is_available() else "gloo"
    dist.init_process_group(backend, timeout=GROUP_TIMEOUT)
    rank, world = dist.get_rank(), dist.get_world_size()
    print(f"rank {rank} of {world} joined {os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']} ({backend})",
          flush=True)

    torch.manual_seed(rank)  # different on purpose: DDP makes them equal from rank 0's
    model = torch.nn.Linear(FEATURES, 1)
    start = torch.zeros(1, dtype=torch.long)
    if rank == 0 and os.path.exists(CHECKPOINT):
        saved = torch.load(CHECKPOINT)
        model.load_state_dict(saved["model"])
        start[0] = saved["step"]
    dist.broadcast(start, src=0)
    first_step = int(start[0])
    if first_step > 0:
        print(f"rank {rank} resumed from step {first_step}", flush=True)
    ddp = DistributedDataParallel(model)  # broadcasts rank 0's weights to every rank
    optimizer = torch.optim.SGD(ddp.parameters(), lr=0.1)

    x, y = data()
    shard_x, shard_y = x[rank::world], y[rank::world]
    loss_fn = torch.nn.MSELoss()
    for step in range(first_step, STEPS):
        optimizer.zero_grad()
        loss = loss_fn(ddp(shard_x), shard_y)
        loss.backward()
        optimizer.step()
        total = loss.detach().clone()
        dist.all_reduce(total)
        if rank == 0:
            print(f"step {step + 1} loss {total.item() / world:.6f}", flush=True)
            torch.save({"step": step + 1, "model": model.state_dict()}, CHECKPOINT + ".tmp")
            os.replace(CHECKPOINT + ".tmp", CHECKPOINT)
        if STEP_SECONDS:
            time.sleep(STEP_SECONDS)
    dist.barrier()
    print(f"rank {rank} final weights sha256 {weights_sha256(model)}", flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    sys.exit(main())
