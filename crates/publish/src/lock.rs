//! One build at a time per output folder: an exclusive lock on
//! `<output>/.lock`. The operating system drops the lock when the holder
//! exits, however it exits, so a killed build never leaves a stale lock.

use crate::error::{Error, OutputError};
use std::fs::{File, OpenOptions};
use std::path::Path;
use std::time::{Duration, Instant};

/// The output folder's lock, held until dropped: one build at a time.
pub struct OutputLock {
    _file: File,
}

/// Why the lock could not be taken.
#[derive(Debug)]
pub enum LockError {
    /// Another process holds it (still, after waiting `waited`).
    Held {
        /// How long was waited.
        waited: Duration,
    },
    /// The lock file could not be opened or locked.
    Io(OutputError),
}

impl OutputLock {
    /// Take the lock, waiting up to `wait` for another build to finish.
    pub fn acquire(output_dir: &Path, wait: Duration) -> Result<OutputLock, LockError> {
        std::fs::create_dir_all(output_dir)
            .map_err(|error| LockError::Io(OutputError::io("cannot create", output_dir)(error)))?;
        let path = output_dir.join(".lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|error| LockError::Io(OutputError::io("cannot open", &path)(error)))?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(OutputLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(100))
                }
                Err(std::fs::TryLockError::WouldBlock) => return Err(LockError::Held { waited: started.elapsed() }),
                Err(std::fs::TryLockError::Error(error)) => {
                    return Err(LockError::Io(OutputError::io("cannot lock", &path)(error)))
                }
            }
        }
    }
}

impl OutputLock {
    /// The lock a build takes, its failure as the build's error.
    pub fn acquire_for_build(output_dir: &Path, wait: Duration) -> Result<OutputLock, Error> {
        OutputLock::acquire(output_dir, wait).map_err(|error| match error {
            LockError::Held { waited } => Error::Locked { lock: output_dir.join(".lock"), waited },
            LockError::Io(message) => Error::Output(message),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(dir.path(), Duration::ZERO).unwrap();
        assert!(matches!(OutputLock::acquire(dir.path(), Duration::from_millis(250)), Err(LockError::Held { .. })));
        drop(first);
        assert!(OutputLock::acquire(dir.path(), Duration::ZERO).is_ok());
    }
}
