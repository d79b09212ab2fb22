# Sourced by the private test clusters (tests/slurm/slurm_cluster.sh, one node;
# tests/cluster/multinode_test.sh, three nodes): the slurm.conf lines they share.
# slurm_common_conf SOCKET: prints them, for the munge socket SOCKET.
slurm_common_conf() {
  cat <<EOF
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$1
CredType=cred/munge
# No cgroups in containers: track processes by parent pid, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
JobRequeue=1
EOF
}
