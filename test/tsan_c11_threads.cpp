// ThreadSanitizer builds only: C11 threads (thrd_*, mtx_*, cnd_*) as calls to their pthread
// equivalents. librdkafka creates its threads with thrd_create, which glibc implements without
// calling pthread_create, so TSan never learns of those threads and crashes on their first
// allocation; and it never sees librdkafka's mtx/cnd synchronisation. Linked into each
// executable, these definitions take precedence over glibc's for librdkafka. glibc's mtx_t and
// cnd_t have the size of pthread_mutex_t and pthread_cond_t, and its own C11 functions are thin
// wrappers over the same pthread code, so the behaviour is the same.
#include <pthread.h>
#include <threads.h>

#include <cerrno>
#include <cstdint>
#include <new>

namespace {

struct Start {
  thrd_start_t function;
  void* argument;
};

void* RunC11Thread(void* start) {
  const Start s = *static_cast<Start*>(start);
  delete static_cast<Start*>(start);
  return reinterpret_cast<void*>(static_cast<intptr_t>(s.function(s.argument)));
}

int C11Result(int error) {
  switch (error) {
    case 0: return thrd_success;
    case ENOMEM: return thrd_nomem;
    case EBUSY: return thrd_busy;
    case ETIMEDOUT: return thrd_timedout;
    default: return thrd_error;
  }
}

pthread_mutex_t* Mutex(mtx_t* m) { return reinterpret_cast<pthread_mutex_t*>(m); }
pthread_cond_t* Cond(cnd_t* c) { return reinterpret_cast<pthread_cond_t*>(c); }

static_assert(sizeof(mtx_t) >= sizeof(pthread_mutex_t) && sizeof(cnd_t) >= sizeof(pthread_cond_t));

}  // namespace

extern "C" {

int thrd_create(thrd_t* thread, thrd_start_t function, void* argument) {
  auto* start = new (std::nothrow) Start{function, argument};
  if (start == nullptr) return thrd_nomem;
  const int error = pthread_create(thread, nullptr, RunC11Thread, start);
  if (error != 0) delete start;
  return C11Result(error);
}

int thrd_join(thrd_t thread, int* result) {
  void* value = nullptr;
  const int error = pthread_join(thread, &value);
  if (error == 0 && result != nullptr) *result = static_cast<int>(reinterpret_cast<intptr_t>(value));
  return C11Result(error);
}

int thrd_detach(thrd_t thread) { return C11Result(pthread_detach(thread)); }

int mtx_init(mtx_t* mutex, int type) {
  pthread_mutexattr_t attributes;
  pthread_mutexattr_init(&attributes);
  if (type & mtx_recursive) pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
  const int error = pthread_mutex_init(Mutex(mutex), &attributes);
  pthread_mutexattr_destroy(&attributes);
  return C11Result(error);
}
int mtx_lock(mtx_t* mutex) { return C11Result(pthread_mutex_lock(Mutex(mutex))); }
int mtx_trylock(mtx_t* mutex) { return C11Result(pthread_mutex_trylock(Mutex(mutex))); }
int mtx_timedlock(mtx_t* __restrict mutex, const struct timespec* __restrict deadline) {
  return C11Result(pthread_mutex_timedlock(Mutex(mutex), deadline));
}
int mtx_unlock(mtx_t* mutex) { return C11Result(pthread_mutex_unlock(Mutex(mutex))); }
void mtx_destroy(mtx_t* mutex) { pthread_mutex_destroy(Mutex(mutex)); }

int cnd_init(cnd_t* cond) { return C11Result(pthread_cond_init(Cond(cond), nullptr)); }
int cnd_signal(cnd_t* cond) { return C11Result(pthread_cond_signal(Cond(cond))); }
int cnd_broadcast(cnd_t* cond) { return C11Result(pthread_cond_broadcast(Cond(cond))); }
int cnd_wait(cnd_t* cond, mtx_t* mutex) { return C11Result(pthread_cond_wait(Cond(cond), Mutex(mutex))); }
int cnd_timedwait(cnd_t* __restrict cond, mtx_t* __restrict mutex,
                  const struct timespec* __restrict deadline) {
  return C11Result(pthread_cond_timedwait(Cond(cond), Mutex(mutex), deadline));
}
void cnd_destroy(cnd_t* cond) { pthread_cond_destroy(Cond(cond)); }

}  // extern "C"
