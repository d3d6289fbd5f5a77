"""Configuration files of the single-node test cluster (see slurm_cluster.py).

``str.format`` templates: ``{root}`` is the cluster directory, ports are free ports picked
at start, and the node is declared with ``{cpus}`` CPUs and ``{memory}`` MB.
"""

__all__ = ["SLURM_CONF", "SLURMDBD_CONF", "SRUN_WRAPPER"]

SLURM_CONF = """\
# Single-node Slurm for the seirflow infra tests (generated; see tests/infra/slurm_cluster.py)
ClusterName={cluster}
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={root}/munge/munge.socket
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/run/slurmctld.pid
SlurmdPidFile={root}/run/slurmd.pid
SlurmctldLogFile={root}/log/slurmctld.log
SlurmdLogFile={root}/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig={root}/etc/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SlurmdParameters=config_overrides
ReturnToService=2
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort={dbd_port}
AccountingStoragePass={root}/munge/munge.socket
AccountingStoreFlags=job_comment
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
JobCompType=jobcomp/none
SchedulerParameters=batch_sched_delay=0
MinJobAge=300
KillWait=5
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory} State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""

SLURMDBD_CONF = """\
AuthType=auth/munge
AuthInfo=socket={root}/munge/munge.socket
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort={dbd_port}
SlurmUser=root
DebugLevel=info
LogFile={root}/log/slurmdbd.log
PidFile={root}/run/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort={db_port}
StorageUser=slurm
StoragePass={db_password}
StorageLoc=slurm_acct_db
"""

SRUN_WRAPPER = """\
#!/bin/sh
# The Slurm job-step executor removes every SLURM_* variable (SLURM_CONF too) before its
# nested `srun`; restore the private config path of the test cluster.
export SLURM_CONF="{slurm_conf}"
# Fail-once hook for retry tests: when SEIRFLOW_TEST_FAIL_ONCE names a rule and the marker
# file does not exist yet, the first job step of that rule fails as a crashed node would.
if [ -n "$SEIRFLOW_TEST_FAIL_ONCE" ] && [ -n "$SEIRFLOW_TEST_FAIL_ONCE_MARKER" ]; then
    case "$*" in
        *"--target-jobs '$SEIRFLOW_TEST_FAIL_ONCE:"*|*"--target-jobs $SEIRFLOW_TEST_FAIL_ONCE:"*)
            if [ ! -e "$SEIRFLOW_TEST_FAIL_ONCE_MARKER" ]; then
                echo "injected failure of $SEIRFLOW_TEST_FAIL_ONCE (job $SLURM_JOB_ID)" \\
                    > "$SEIRFLOW_TEST_FAIL_ONCE_MARKER"
                echo "srun: injected failure for $SEIRFLOW_TEST_FAIL_ONCE" >&2
                exit 42
            fi
            ;;
    esac
fi
exec {srun} "$@"
"""
