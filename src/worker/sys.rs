//! The worker's only `unsafe`: the raw process calls that std does not offer (setsid, prctl, setrlimit,
//! setuid/setgid/setgroups, close_range, kill of a process group, waitid without reaping, wait4 with
//! resource usage). Each block says why it is sound.

use std::io;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus};
use std::time::Duration;

/// Resource limits the kernel enforces on the worker from its first instruction.
#[derive(Debug, Clone, Copy)]
pub struct ChildRlimits {
    pub address_space_bytes: u64,
    pub cpu_soft_seconds: u64,
    pub cpu_hard_seconds: u64,
    pub open_files: u64,
}

/// Makes `cmd` start its process in a new session (its own process group, so the parent can kill the
/// group), with SIGKILL on the death of the parent thread, the rlimits, no core dumps and no_new_privs —
/// all between fork and exec, so not one instruction of the worker runs without them.
pub fn confine_before_exec(cmd: &mut Command, limits: ChildRlimits) {
    // Read here, in the parent, so the child can tell whether its parent died before PR_SET_PDEATHSIG took
    // effect. A pid always fits pid_t (the kernel's pid_max is below 2^22).
    let parent = libc::pid_t::try_from(std::process::id()).unwrap_or(libc::pid_t::MAX);
    let hook = move || -> io::Result<()> {
        // SAFETY (whole block): this runs in the forked child before exec, where only async-signal-safe
        // calls are allowed. setsid, prctl, getppid and setrlimit are plain system calls (async-signal-safe,
        // no allocation, no locks); the rlimit structs live on this stack frame for the duration of the call.
        unsafe {
            check(libc::setsid())?;
            check(libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0))?;
            if libc::getppid() != parent {
                // The parent died between fork and prctl: nobody would reap or kill us.
                return Err(io::Error::from_raw_os_error(libc::ESRCH));
            }
            set_rlimit(libc::RLIMIT_AS, limits.address_space_bytes, limits.address_space_bytes)?;
            set_rlimit(libc::RLIMIT_CPU, limits.cpu_soft_seconds, limits.cpu_hard_seconds)?;
            set_rlimit(libc::RLIMIT_CORE, 0, 0)?;
            set_rlimit(libc::RLIMIT_FSIZE, 0, 0)?;
            set_rlimit(libc::RLIMIT_NOFILE, limits.open_files, limits.open_files)?;
            check(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1 as libc::c_ulong, 0, 0, 0))?;
        }
        Ok(())
    };
    // SAFETY: the hook above only makes async-signal-safe system calls and touches no shared state.
    unsafe {
        cmd.pre_exec(hook);
    }
}

/// Marks the worker not dumpable (no core, no ptrace attach by the same uid, /proc/self owned by root).
/// Done by the worker itself: execve resets the dumpable flag, so setting it before exec would not last.
pub fn forbid_dumps() -> io::Result<()> {
    // SAFETY: prctl(PR_SET_DUMPABLE, 0) takes integer arguments only and has no memory effects.
    check(unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0 as libc::c_ulong, 0, 0, 0) }).map(|_| ())
}

/// The user a worker started as root switches to: `nobody`, which owns nothing.
pub const UNPRIVILEGED_ID: u32 = 65534;

/// If the worker runs as root, it becomes `nobody` (no supplementary groups): root inside the sandbox would
/// keep capabilities (raw I/O, device ioctls, mounts) that seccomp and Landlock only partly cover
/// (security.md §2.9 "uid"). Done after exec rather than before, so the binary need not be executable by
/// `nobody`. Changing the effective uid clears PR_SET_PDEATHSIG, so it is set again here, and the parent is
/// checked to be the same one as before. Returns the user now in force, in words.
pub fn drop_root() -> io::Result<String> {
    // SAFETY (whole block): these calls take integers (and a null list for setgroups, which with a count
    // of 0 is not read); the worker is single-threaded here, so the credentials change for the one thread.
    unsafe {
        if libc::geteuid() != 0 {
            return Ok(format!("uid {} (not root, unchanged)", libc::geteuid()));
        }
        let parent = libc::getppid();
        check(libc::setgroups(0, std::ptr::null()))?;
        check(libc::setgid(UNPRIVILEGED_ID))?;
        check(libc::setuid(UNPRIVILEGED_ID))?;
        if libc::getuid() != UNPRIVILEGED_ID || libc::geteuid() != UNPRIVILEGED_ID || libc::setuid(0) != -1 {
            return Err(io::Error::other("root could not be dropped"));
        }
        check(libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0))?;
        if libc::getppid() != parent {
            return Err(io::Error::from_raw_os_error(libc::ESRCH));
        }
    }
    Ok(format!("nobody ({UNPRIVILEGED_ID}, was root)"))
}

/// Closes every descriptor above stderr that the worker inherited. The server's own files and sockets are
/// opened close-on-exec by Rust, but a library's (or a build tool's jobserver pipe) might not be, and
/// Landlock does not restrict a descriptor that is already open: one leaked database or socket fd would be
/// readable by an exploited reader. Done first thing in the worker, before it reads any input.
pub fn close_inherited_fds() -> io::Result<()> {
    // SAFETY: close_range takes integers only; nothing in this process owns a descriptor above 2 yet (std
    // opens none before main), so no Rust object is left holding a closed fd.
    if unsafe { libc::close_range(3, libc::c_uint::MAX, 0) } == 0 {
        return Ok(());
    }
    let err = io::Error::last_os_error();
    if err.raw_os_error() != Some(libc::ENOSYS) {
        return Err(err);
    }
    // Kernels before 5.9: close one by one up to the (inherited) descriptor limit.
    for fd in 3..1024 {
        // SAFETY: as above; EBADF for descriptors that are not open is expected and ignored.
        unsafe {
            libc::close(fd);
        }
    }
    Ok(())
}

/// The descriptors this process has open below 1024 (a test hook's report: /proc is out of reach under
/// Landlock, so each is asked with fcntl).
#[cfg(debug_assertions)]
pub fn open_fds() -> Vec<i32> {
    // SAFETY: F_GETFD only reads the descriptor's flags; an unused number gives EBADF.
    (0..1024).filter(|&fd| unsafe { libc::fcntl(fd, libc::F_GETFD) } != -1).collect()
}

/// Tries to clear the parent-death signal (a test hook's report: the seccomp filter must refuse it).
/// Returns the errno, or 0 if it worked (and then sets it again).
#[cfg(debug_assertions)]
pub fn try_clear_death_signal() -> i32 {
    // SAFETY: prctl with integer arguments only.
    let rc = unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, 0 as libc::c_ulong, 0, 0, 0) };
    if rc == 0 {
        // SAFETY: as above.
        unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0) };
        return 0;
    }
    io::Error::last_os_error().raw_os_error().unwrap_or(-1)
}

/// Whether the worker may signal its parent (a test hook's report; signal 0 only checks permission, so the
/// probe harms nothing even unsandboxed). Returns the errno, or 0 if it was allowed.
#[cfg(debug_assertions)]
pub fn try_signal_parent() -> i32 {
    // SAFETY: getppid and kill with signal 0 take integers and deliver nothing.
    if unsafe { libc::kill(libc::getppid(), 0) } == 0 {
        return 0;
    }
    io::Error::last_os_error().raw_os_error().unwrap_or(-1)
}

/// SIGKILL to every process of the group `pgid` (the worker and anything it forked).
pub fn kill_group(pgid: u32) {
    let Ok(pgid) = libc::pid_t::try_from(pgid) else { return };
    if pgid <= 1 {
        return; // never kill(-1) or kill(0): that would hit every process or our own group
    }
    // SAFETY: kill takes integers only. Callers hold the job's lock and call this only while the group
    // leader is not yet reaped, so the id cannot have been recycled for another group.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

/// Blocks until the child `pid` has exited, leaving it a zombie (so its pid, and so its process group id,
/// cannot be reused until [`reap`]).
pub fn wait_exited(pid: u32) -> io::Result<()> {
    let id = libc::id_t::from(pid);
    loop {
        // SAFETY: `info` is a valid, writable siginfo_t that outlives the call; waitid writes only into it.
        let rc = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            libc::waitid(libc::P_PID, id, &mut info, libc::WEXITED | libc::WNOWAIT)
        };
        if rc == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// What the kernel says about a reaped worker.
#[derive(Debug, Clone, Copy)]
pub struct Reaped {
    pub status: ExitStatus,
    /// User + system CPU time.
    pub cpu: Duration,
}

/// Reaps the exited child `pid` and returns its status and resource usage.
pub fn reap(pid: u32) -> io::Result<Reaped> {
    let pid = libc::pid_t::try_from(pid).map_err(|_| io::Error::from_raw_os_error(libc::ESRCH))?;
    loop {
        let mut status: libc::c_int = 0;
        // SAFETY: `status` and `usage` are valid, writable and outlive the call; wait4 writes only into them.
        let (rc, usage) = unsafe {
            let mut usage: libc::rusage = std::mem::zeroed();
            let rc = libc::wait4(pid, &mut status, 0, &mut usage);
            (rc, usage)
        };
        if rc == pid {
            let time = |t: libc::timeval| {
                Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
            };
            return Ok(Reaped {
                status: ExitStatus::from_raw(status),
                cpu: time(usage.ru_utime) + time(usage.ru_stime),
            });
        }
        let err = io::Error::last_os_error();
        if rc != -1 || err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Dies of a real SIGSEGV (a test hook: what a memory-safety bug in a reader would look like). Rust's own
/// SIGSEGV handler (stack-overflow detection) would swallow a raised signal, so the default is restored first.
#[cfg(debug_assertions)]
pub fn die_of_segv() -> ! {
    // SAFETY: restoring SIG_DFL and raising a signal take integers only; the process ends at `raise`.
    unsafe {
        libc::signal(libc::SIGSEGV, libc::SIG_DFL);
        libc::raise(libc::SIGSEGV);
    }
    std::process::abort()
}

fn check(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc == -1 { Err(io::Error::last_os_error()) } else { Ok(rc) }
}

/// setrlimit with `u64` values (saturated to the platform's rlim_t).
///
/// # Safety
/// Async-signal-safe (one system call on a stack value), so callable between fork and exec.
unsafe fn set_rlimit(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) -> io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: libc::rlim_t::try_from(soft).unwrap_or(libc::RLIM_INFINITY),
        rlim_max: libc::rlim_t::try_from(hard).unwrap_or(libc::RLIM_INFINITY),
    };
    // SAFETY: `limit` is a valid rlimit on this stack frame for the duration of the call.
    check(unsafe { libc::setrlimit(resource, &limit) }).map(|_| ())
}
