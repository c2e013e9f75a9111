//! The worker's self-applied sandbox (security.md §2.9): Landlock denies every filesystem and TCP access
//! and scopes signals and abstract sockets to the sandbox; a seccomp filter makes the system calls an
//! exploit would want (sockets, exec, ptrace, namespaces, kernel attack surface) fail with EPERM.
//!
//! Both are best effort — a kernel without them still parses, and the status says so, for the server's one
//! log line. Neither needs a file rule: the input arrives on stdin and the response leaves on stdout, both
//! opened before the sandbox and unaffected by it.

use std::collections::BTreeMap;

use landlock::{ABI, Access, AccessFs, AccessNet, CompatLevel, Compatible, Ruleset, RulesetAttr, RulesetStatus, Scope};
use seccompiler::{
    SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule, TargetArch,
};

use super::protocol::SandboxStatus;

/// Applies Landlock, then seccomp, to the whole (single-threaded) worker, and says what took effect; `user`
/// is who the worker already is (`sys::drop_root`).
pub fn apply(user: String) -> SandboxStatus {
    SandboxStatus { landlock: landlock(), seccomp: seccomp(), user }
}

/// The Landlock ABI asked for: V6 (all filesystem rights, TCP bind/connect, signal and abstract-socket
/// scoping) is what security.md §2.9 measured as fully enforced on the project's kernel; an older kernel
/// gets what it has (best effort) and the status says "partially".
const LANDLOCK_ABI: ABI = ABI::V6;

fn landlock() -> String {
    let restricted = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(AccessFs::from_all(LANDLOCK_ABI))
        .and_then(|r| r.handle_access(AccessNet::from_all(LANDLOCK_ABI)))
        .and_then(|r| r.scope(Scope::AbstractUnixSocket | Scope::Signal))
        .and_then(|r| r.create())
        .and_then(|r| r.restrict_self());
    match restricted {
        Ok(status) => match status.ruleset {
            RulesetStatus::FullyEnforced => "fully enforced".into(),
            RulesetStatus::PartiallyEnforced => "partially enforced (older kernel ABI)".into(),
            RulesetStatus::NotEnforced => "not enforced (the kernel has no Landlock)".into(),
        },
        Err(e) => format!("failed ({e})"),
    }
}

/// System calls the worker never needs and an exploit would: each fails with EPERM. A deny-list rather than
/// an allow-list because the set of calls std, the allocator and libc make differs between versions
/// (security.md §2.9); process creation is stopped here too (`execve`) since RLIMIT_NPROC counts per uid.
const DENIED: &[libc::c_long] = &[
    libc::SYS_socket,
    libc::SYS_socketpair,
    libc::SYS_connect,
    libc::SYS_bind,
    libc::SYS_listen,
    libc::SYS_accept4,
    libc::SYS_execve,
    libc::SYS_execveat,
    libc::SYS_ptrace,
    libc::SYS_process_vm_readv,
    libc::SYS_process_vm_writev,
    libc::SYS_mount,
    libc::SYS_umount2,
    libc::SYS_pivot_root,
    libc::SYS_chroot,
    libc::SYS_bpf,
    libc::SYS_userfaultfd,
    libc::SYS_io_uring_setup,
    libc::SYS_perf_event_open,
    libc::SYS_keyctl,
    libc::SYS_add_key,
    libc::SYS_request_key,
    libc::SYS_unshare,
    libc::SYS_setns,
    // The worker made its own session before exec; leaving it would escape the parent's group kill.
    libc::SYS_setsid,
    libc::SYS_setpgid,
    // The new mount API, module and kexec loading, handles that bypass paths, other processes' fds:
    // mostly root's, but a worker started as root keeps them until it drops to nobody.
    libc::SYS_fsopen,
    libc::SYS_fsmount,
    libc::SYS_fsconfig,
    libc::SYS_fspick,
    libc::SYS_move_mount,
    libc::SYS_open_tree,
    libc::SYS_mount_setattr,
    libc::SYS_open_by_handle_at,
    libc::SYS_name_to_handle_at,
    libc::SYS_init_module,
    libc::SYS_finit_module,
    libc::SYS_delete_module,
    libc::SYS_kexec_load,
    libc::SYS_kexec_file_load,
    libc::SYS_reboot,
    libc::SYS_swapon,
    libc::SYS_swapoff,
    libc::SYS_pidfd_open,
    libc::SYS_pidfd_getfd,
    libc::SYS_kcmp,
    libc::SYS_fanotify_init,
    libc::SYS_acct,
    libc::SYS_quotactl,
    libc::SYS_sethostname,
    libc::SYS_setdomainname,
    libc::SYS_settimeofday,
    libc::SYS_clock_settime,
    libc::SYS_adjtimex,
    libc::SYS_clock_adjtime,
    libc::SYS_vhangup,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_iopl,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_ioperm,
];

fn seccomp() -> String {
    match install_seccomp() {
        Ok(()) => "enforced".into(),
        Err(e) => format!("failed ({e})"),
    }
}

/// `prctl` options that would undo the confinement set up before the filter: clearing the death signal (an
/// orphaned worker would then outlive a crashed server), making the process dumpable again, or naming a
/// ptracer. Other options (thread names, say) stay allowed.
const DENIED_PRCTL: &[libc::c_int] = &[libc::PR_SET_PDEATHSIG, libc::PR_SET_DUMPABLE, libc::PR_SET_PTRACER];

fn install_seccomp() -> Result<(), String> {
    let arch = TargetArch::try_from(std::env::consts::ARCH).map_err(|e| format!("{e:?}"))?;
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = DENIED.iter().map(|&nr| (nr, Vec::new())).collect();
    let option_is = |option: libc::c_int| {
        SeccompCondition::new(0, SeccompCmpArgLen::Dword, SeccompCmpOp::Eq, option as u64)
            .and_then(|c| SeccompRule::new(vec![c]))
            .map_err(|e| e.to_string())
    };
    rules.insert(libc::SYS_prctl, DENIED_PRCTL.iter().map(|&o| option_is(o)).collect::<Result<_, _>>()?);
    let filter = SeccompFilter::new(rules, SeccompAction::Allow, SeccompAction::Errno(libc::EPERM as u32), arch)
        .map_err(|e| e.to_string())?;
    let program: seccompiler::BpfProgram = filter.try_into().map_err(|e: seccompiler::BackendError| e.to_string())?;
    seccompiler::apply_filter_all_threads(&program).map_err(|e| e.to_string())
}
