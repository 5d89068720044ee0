#include "connector/delivery_thread.h"

namespace sluice {

DeliveryThread::DeliveryThread(size_t max_queued)
    : max_queued_(max_queued), thread_([this] { Loop(); }) {}

DeliveryThread::~DeliveryThread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

Status DeliveryThread::Submit(std::function<Status()> job) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return jobs_.size() < max_queued_ || !error_.ok(); });
  if (!error_.ok()) return error_;
  jobs_.push_back(std::move(job));
  ++submitted_;
  changed_.notify_all();
  return Status::OK();
}

uint64_t DeliveryThread::submitted() {
  std::lock_guard lock(mutex_);
  return submitted_;
}

uint64_t DeliveryThread::finished() {
  std::lock_guard lock(mutex_);
  return finished_;
}

Status DeliveryThread::error() {
  std::lock_guard lock(mutex_);
  return error_;
}

Result<bool> DeliveryThread::WaitFinished(uint64_t ticket, std::chrono::milliseconds max_wait) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, max_wait, [&] { return finished_ >= ticket || !error_.ok(); });
  if (!error_.ok()) return error_;
  return finished_ >= ticket;
}

Status DeliveryThread::WaitIdle() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return (jobs_.empty() && !running_job_) || !error_.ok(); });
  return error_;
}

void DeliveryThread::Loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return !jobs_.empty() || stopping_; });
    if (jobs_.empty()) return;  // stopping, and everything queued has run
    std::function<Status()> job = std::move(jobs_.front());
    jobs_.pop_front();
    changed_.notify_all();  // room for a waiting Submit
    if (!error_.ok()) {
      ++finished_;
      continue;
    }  // after a failure nothing more is delivered
    running_job_ = true;
    lock.unlock();
    Status status = job();
    lock.lock();
    running_job_ = false;
    ++finished_;
    if (!status.ok() && error_.ok()) error_ = std::move(status);
    changed_.notify_all();
  }
}

}  // namespace sluice
