/*
 * libstationd_ingest: sealed memory files for the encoded table (JNI for
 * dev.stationd.daemon.server.ReplyFile).
 *
 * A full-table reply sent with sendfile() from a memory file (memfd) is not copied into the
 * socket: since Linux 6.5 the kernel hands the socket references to the file's pages. That is
 * only safe while those pages never change, and a reader may still hold them after the daemon has
 * moved on to a newer table; so the file is written once through a mapping, then the mapping is
 * made read-only and the file sealed against any later write or resize. Closing it then leaves
 * the pages to whoever still holds them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jni.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010 /* Linux 5.1; older libc headers lack it */
#endif

/* The Java side's ReplyFile.ABI_VERSION must match this. */
#define REPLYFILE_ABI_VERSION 1

JNIEXPORT jint JNICALL Java_dev_stationd_daemon_server_ReplyFile_abiVersion(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return REPLYFILE_ABI_VERSION;
}

/*
 * Creates a memory file of size bytes mapped read-write. Returns the mapping as a direct buffer
 * and its descriptor in fd_out[0]; on failure null, with -errno in fd_out[0]. The file's pages
 * are allocated first (fallocate): without memory for them (a memory limit of the service) that
 * is an errno here, not a SIGBUS while the table is written through the mapping.
 */
JNIEXPORT jobject JNICALL Java_dev_stationd_daemon_server_ReplyFile_create(JNIEnv *env, jclass cls, jint size,
                                                                         jintArray fd_out) {
    (void) cls;
    jint result;
    int fd = memfd_create("stationd-table", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) {
        result = -errno;
        (*env)->SetIntArrayRegion(env, fd_out, 0, 1, &result);
        return NULL;
    }
    /*
     * Every sendfile() from the file would otherwise update its access time (current_time,
     * atime_needs_update, touch_atime: about 1 % of the event loop's CPU under back-to-back
     * STA_LIST). Nobody reads it; the daemon owns the file, so the kernel allows the flag, and a
     * kernel that refused it would only keep the updates.
     */
    (void) fcntl(fd, F_SETFL, O_NOATIME);
    void *map = MAP_FAILED;
    if (ftruncate(fd, size) == 0 && fallocate(fd, 0, 0, size) == 0) {
        map = mmap(NULL, (size_t) size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    }
    if (map == MAP_FAILED) {
        result = -errno;
        close(fd);
        (*env)->SetIntArrayRegion(env, fd_out, 0, 1, &result);
        return NULL;
    }
    jobject buffer = (*env)->NewDirectByteBuffer(env, map, size);
    if (buffer == NULL) { /* an exception is pending */
        munmap(map, (size_t) size);
        close(fd);
        return NULL;
    }
    result = fd;
    (*env)->SetIntArrayRegion(env, fd_out, 0, 1, &result);
    return buffer;
}

/*
 * Makes the mapping read-only and seals the file: no write, no new writable mapping, no resize.
 * Returns 0 or -errno. Kernels before 5.1 have no F_SEAL_FUTURE_WRITE; the read-only mapping and
 * the other seals still hold there.
 */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_server_ReplyFile_seal(JNIEnv *env, jclass cls, jint fd,
                                                                    jobject mapping) {
    (void) cls;
    void *map = (*env)->GetDirectBufferAddress(env, mapping);
    jlong size = (*env)->GetDirectBufferCapacity(env, mapping);
    if (map == NULL || size < 0) {
        return -EINVAL;
    }
    if (mprotect(map, (size_t) size, PROT_READ) != 0) {
        return -errno;
    }
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE | F_SEAL_SEAL) == 0) {
        return 0;
    }
    if (errno != EINVAL) {
        return -errno;
    }
    /* no F_SEAL_FUTURE_WRITE (F_SEAL_WRITE would need the mapping gone): seal the size */
    return fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) == 0 ? 0 : -errno;
}

/* Returns the seals of a memory file (F_GET_SEALS), or -errno. */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_server_ReplyFile_seals(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    int seals = fcntl(fd, F_GET_SEALS);
    return seals < 0 ? -errno : seals;
}

/* A java.io.FileDescriptor owning fd (closing a stream or channel on it closes fd), or null. */
JNIEXPORT jobject JNICALL Java_dev_stationd_daemon_server_ReplyFile_descriptor(JNIEnv *env, jclass cls, jint fd) {
    (void) cls;
    jclass fdClass = (*env)->FindClass(env, "java/io/FileDescriptor");
    if (fdClass == NULL) {
        return NULL;
    }
    jmethodID init = (*env)->GetMethodID(env, fdClass, "<init>", "()V");
    jfieldID field = (*env)->GetFieldID(env, fdClass, "fd", "I");
    if (init == NULL || field == NULL) {
        return NULL;
    }
    jobject descriptor = (*env)->NewObject(env, fdClass, init);
    if (descriptor != NULL) {
        (*env)->SetIntField(env, descriptor, field, fd);
    }
    return descriptor;
}

/* Unmaps a mapping made by create. Returns 0 or -errno. */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_server_ReplyFile_unmap(JNIEnv *env, jclass cls, jobject mapping) {
    (void) cls;
    void *map = (*env)->GetDirectBufferAddress(env, mapping);
    jlong size = (*env)->GetDirectBufferCapacity(env, mapping);
    if (map == NULL || size < 0) {
        return -EINVAL;
    }
    return munmap(map, (size_t) size) == 0 ? 0 : -errno;
}

/* Closes a descriptor that was never handed to a FileDescriptor. Returns 0 or -errno. */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_server_ReplyFile_close(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    return close(fd) == 0 ? 0 : -errno;
}
